package dev.nscope.host;

import com.sun.jna.Memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The size {@code stat} reports for a path, through one reused buffer ({@code statx} by JNA, or the JDK
 * where JNA cannot be used): for {@code /proc/<pid>/fd} the number of open descriptors (Linux 6.2+). Failures
 * are the exceptions {@link KernelErrors} classifies. Not thread-safe: one per scanning thread.
 */
public final class FileSizes {
    private final Memory statx = NativeFiles.Stat.AVAILABLE ? new Memory(256) : null;

    public long size(String path) throws IOException {
        if (statx != null) {
            return NativeFiles.Stat.size(path, statx);
        }
        return Files.readAttributes(Path.of(path), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
    }
}
