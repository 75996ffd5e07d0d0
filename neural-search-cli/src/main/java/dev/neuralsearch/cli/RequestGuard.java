package dev.neuralsearch.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may talk to {@code nsearch serve}, checked on every request before anything is read or searched.
 *
 * <ul>
 *   <li>{@code Host} must name this server: localhost, 127.0.0.1, [::1], the bound address (with a wildcard
 *       bind, any address of this machine), or a name given with {@code --allow-host}, each with the bound port.
 *       A web page that rebinds its own DNS name to 127.0.0.1 sends its own name, so it is refused.</li>
 *   <li>An {@code Origin} header (browsers send it on cross-origin requests and on every POST) must be
 *       {@code http://} plus one of those names and the port: another site's page is refused.</li>
 *   <li>With a token, {@code /api/} requests carry {@code Authorization: Bearer <token>}, compared in constant
 *       time (SHA-256 of both, then {@link MessageDigest#isEqual}).</li>
 *   <li>POST bodies are {@code application/json}: a cross-site form or "simple" {@code text/plain} request is
 *       refused even if a browser sent no Origin.</li>
 * </ul>
 */
final class RequestGuard {

    private final Set<String> hosts;
    private final byte[] tokenHash;

    /**
     * @param bind the address the server listens on
     * @param allowHosts more host names to accept (any case)
     * @param token the bearer token API requests must carry, or null for none
     */
    RequestGuard(String bind, List<String> allowHosts, String token) {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "[::1]"));
        try {
            InetAddress address = InetAddress.getByName(bind);
            names.add(literal(address));
            if (address.isAnyLocalAddress()) {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    nic.inetAddresses().forEach(a -> names.add(literal(a)));
                }
            }
        } catch (java.net.UnknownHostException | SocketException e) {
            throw new IllegalArgumentException("cannot resolve the bind address " + bind + ": " + e.getMessage());
        }
        names.add(bind.toLowerCase(Locale.ROOT));
        for (String h : allowHosts) {
            names.add(h.strip().toLowerCase(Locale.ROOT));
        }
        this.hosts = Set.copyOf(names);
        this.tokenHash = token == null ? null : sha256(token);
    }

    /** An address as it appears in a Host header: IPv6 in brackets, without a scope. */
    private static String literal(InetAddress a) {
        String s = a.getHostAddress();
        int scope = s.indexOf('%');
        if (scope >= 0) {
            s = s.substring(0, scope);
        }
        return s.indexOf(':') >= 0 ? "[" + s + "]" : s;
    }

    boolean hasToken() {
        return tokenHash != null;
    }

    /** Host and Origin; throws a 403 {@link HttpError} naming the problem. */
    void checkHostAndOrigin(String host, String origin, int port) {
        if (host == null || !allowed(host, port)) {
            throw new HttpError(403, host == null ? "the request has no Host header"
                    : "host \"" + shorten(host) + "\" is not this server; start it with --allow-host <name> to"
                            + " serve it under another name");
        }
        if (origin != null) {
            String lower = origin.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("http://") || !allowed(origin.substring("http://".length()), port)) {
                throw new HttpError(403, "cross-origin request from \"" + shorten(origin) + "\" refused");
            }
        }
    }

    /** {@code Authorization: Bearer <token>} when a token is set; throws a 401 {@link HttpError}. */
    void checkToken(String authorization) {
        if (tokenHash == null) {
            return;
        }
        String given = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip() : "";
        // hashes of equal length: the comparison's time says nothing of the token or its length
        if (!MessageDigest.isEqual(tokenHash, sha256(given))) {
            throw new HttpError(401, authorization == null ? "this server needs a token: send Authorization: Bearer"
                    + " <token>" : "wrong token");
        }
    }

    /** POST bodies must be JSON; throws a 415 {@link HttpError}. */
    static void checkJsonContentType(String contentType) {
        String media = contentType == null ? "" : contentType;
        int semicolon = media.indexOf(';');
        media = (semicolon >= 0 ? media.substring(0, semicolon) : media).strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new HttpError(415, "send the body as Content-Type: application/json"
                    + (contentType == null ? " (no Content-Type given)" : ", not " + shorten(contentType)));
        }
    }

    /** {@code name[:port]} (or {@code [v6][:port]}) naming an accepted host on {@code port}. */
    private boolean allowed(String hostAndPort, int port) {
        String h = hostAndPort.strip().toLowerCase(Locale.ROOT);
        String name;
        String portText = null;
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            if (close < 0) {
                return false;
            }
            name = h.substring(0, close + 1);
            if (close + 1 < h.length()) {
                if (h.charAt(close + 1) != ':') {
                    return false;
                }
                portText = h.substring(close + 2);
            }
        } else {
            int colon = h.indexOf(':');
            if (colon != h.lastIndexOf(':')) {
                return false;
            }
            name = colon < 0 ? h : h.substring(0, colon);
            portText = colon < 0 ? null : h.substring(colon + 1);
        }
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        int given;
        if (portText == null) {
            given = 80;
        } else if (portText.isEmpty() || portText.length() > 5 || !portText.chars().allMatch(Character::isDigit)) {
            return false;
        } else {
            given = Integer.parseInt(portText);
        }
        return given == port && hosts.contains(name);
    }

    private static String shorten(String s) {
        return s.length() <= 100 ? s : s.substring(0, 100) + "...";
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
