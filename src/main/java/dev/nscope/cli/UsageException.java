package dev.nscope.cli;

/**
 * A command line nscope cannot run; the message is one line for the user (exit 2), followed on that line by
 * the short usage of the command it was meant for.
 */
public class UsageException extends Exception {
    private final CommandLine.Mode command;

    public UsageException(String message, CommandLine.Mode command) {
        super(message);
        this.command = command;
    }

    /** The one line printed on stderr, without the {@code nscope: } prefix. */
    public String line() {
        return getMessage() + "; usage: " + Usage.synopsis(command);
    }
}
