package dev.nscope.host;

import java.io.IOException;

/** A file larger than the reader's size cap; nothing of it is used. */
public class FileTooLargeException extends IOException {
    public FileTooLargeException(String path, int cap) {
        super(path + " is larger than " + cap + " bytes");
    }
}
