package dev.nscope.host;

/** A configured host path that cannot be scanned; the message is one line meant for the user. */
public class InvalidHostPathException extends RuntimeException {
    public InvalidHostPathException(String message) {
        super(message);
    }
}
