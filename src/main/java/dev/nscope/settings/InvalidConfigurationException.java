package dev.nscope.settings;

/** Configuration nscope cannot run with; the message is one line for the user. */
public class InvalidConfigurationException extends RuntimeException {
    public InvalidConfigurationException(String message) {
        super(message);
    }
}
