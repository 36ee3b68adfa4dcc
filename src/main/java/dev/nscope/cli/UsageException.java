package dev.nscope.cli;

/** A command line nscope cannot run; the message is one line for the user (exit 2). */
public class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
