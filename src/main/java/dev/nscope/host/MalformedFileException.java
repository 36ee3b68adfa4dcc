package dev.nscope.host;

import java.io.IOException;

/** A parser's typed error: the bytes do not have the kernel's format for that file. */
public class MalformedFileException extends IOException {
    public MalformedFileException(String message) {
        super(message);
    }
}
