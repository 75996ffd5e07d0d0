package dev.neuralsearch.cli;

/**
 * Error messages fit to send to an HTTP client: what was wrong, not where files live. File paths become
 * {@code <file>} and exception class names are dropped; the full message goes to the server's log.
 */
final class ErrorText {

    private ErrorText() {
    }

    /** The message of an exception the server maps to 400, with paths and class names taken out. */
    static String redact(String message) {
        if (message == null || message.isBlank()) {
            return "bad request";
        }
        StringBuilder out = new StringBuilder(message.length());
        int i = 0;
        while (i < message.length()) {
            while (i < message.length() && Character.isWhitespace(message.charAt(i))) {
                i++;
            }
            int end = i;
            while (end < message.length() && !Character.isWhitespace(message.charAt(end))) {
                end++;
            }
            String w = end > i ? word(message.substring(i, end)) : "";
            if (!w.isEmpty()) {
                out.append(out.isEmpty() ? "" : " ").append(w);
            }
            i = end;
        }
        return out.isEmpty() ? "bad request" : out.toString();
    }

    /** One whitespace-free word of a message, or what stands in for it. */
    private static String word(String w) {
        int start = 0;
        while (start < w.length() && "\"'(<[`".indexOf(w.charAt(start)) >= 0) {
            start++;
        }
        String core = w.substring(start);
        if (isPath(core)) {
            return w.substring(0, start) + "<file>" + trailingPunctuation(core);
        }
        if (isClassName(core)) {
            return "";
        }
        return w;
    }

    private static boolean isPath(String s) {
        if (s.startsWith("file:")) {
            return true;
        }
        boolean rooted = s.startsWith("/") || s.startsWith("~/") || s.startsWith("\\\\")
                || (s.length() > 2 && Character.isLetter(s.charAt(0)) && s.charAt(1) == ':'
                        && (s.charAt(2) == '\\' || s.charAt(2) == '/'));
        return rooted && s.length() > 1;
    }

    /** {@code java.io.IOException:} or {@code com.example.FooError} (a dotted name ending in a class). */
    private static boolean isClassName(String s) {
        String t = s.endsWith(":") ? s.substring(0, s.length() - 1) : s;
        int dot = t.lastIndexOf('.');
        if (dot <= 0 || dot == t.length() - 1 || !(t.endsWith("Exception") || t.endsWith("Error"))) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!Character.isJavaIdentifierPart(c) && c != '.' && c != '$') {
                return false;
            }
        }
        return Character.isUpperCase(t.charAt(dot + 1));
    }

    private static String trailingPunctuation(String s) {
        int end = s.length();
        while (end > 0 && ",;:.)\"'>]`".indexOf(s.charAt(end - 1)) >= 0) {
            end--;
        }
        return s.substring(end);
    }
}
