package dev.neuralsearch.cli;

/** A request {@code nsearch serve} refuses: its status code and message become the JSON error. */
final class HttpError extends RuntimeException {

    final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }
}
