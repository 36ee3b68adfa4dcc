package dev.nscope.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads symbolic links of procfs (namespace links above all: eight per process on a first pass) through
 * libc's {@code readlink}, or the JDK where JNA cannot be used. Failures are the exceptions
 * {@link KernelErrors} classifies. Not thread-safe: one per scanning thread.
 */
public final class Links {
    private final NativeFiles.Reader reader = NativeFiles.AVAILABLE ? new NativeFiles.Reader() : null;

    public String readlink(String link) throws IOException {
        if (reader != null) {
            return NativeFiles.readlink(reader, link);
        }
        try {
            return Files.readSymbolicLink(Path.of(link)).toString();
        } catch (UnsupportedOperationException | SecurityException e) {
            throw new IOException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }
}
