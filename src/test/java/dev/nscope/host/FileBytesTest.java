package dev.nscope.host;

import dev.nscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileBytesTest {

    @Test
    void nativeReadsTheSameBytesAsTheJdkForLiveProcfsAndCgroupFiles() throws IOException {
        assertThat(NativeFiles.AVAILABLE).as("JNA and libc load on Linux").isTrue();
        FileBytes a = new FileBytes();
        FileBytes b = new FileBytes();
        int compared = 0;
        for (String f : new String[] {"/proc/self/status", "/proc/self/cgroup", "/proc/self/mountinfo", "/proc/self/net/dev",
                "/proc/meminfo", "/proc/stat", "/proc/1/stat"}) {
            a.read(f);
            b.readWithJdk(f);
            if (f.contains("self/") || f.endsWith("1/stat")) {
                // these change between two reads (counters): compare shape, not every byte
                assertThat(a.asString().lines().count()).as(f).isEqualTo(b.asString().lines().count());
            } else if (f.equals("/proc/meminfo") || f.equals("/proc/stat")) {
                assertThat(a.length()).as(f).isGreaterThan(100);
            }
            compared++;
        }
        // static files: byte for byte, including one far larger than a page (the short-read rule must not cut it)
        Path big = Fixtures.unpack(Fixtures.V1_DOCKER).resolve("proc/self/mountinfo");
        assertThat(Files.size(big)).isPositive();
        a.read(big.toString());
        assertThat(a.copy()).isEqualTo(Files.readAllBytes(big));
        assertThat(compared).isEqualTo(7);
    }

    @Test
    void largeLiveKernelFileIsReadWhole() throws IOException {
        // /proc/self/smaps is many pages long: a read returns one page of records at a time
        FileBytes a = new FileBytes();
        a.read("/proc/self/smaps");
        assertThat(a.length()).isGreaterThan(8192);
        assertThat(a.asString()).endsWith("\n");
        String text = a.asString();
        assertThat(text.lines().filter(l -> l.startsWith("Rss:")).count()).isGreaterThan(10);
    }

    @Test
    void errorsMapToTheKindsTheScannerCounts(@TempDir Path dir) throws IOException {
        FileBytes a = new FileBytes();
        assertThatThrownBy(() -> a.read(dir.resolve("missing").toString())).isInstanceOf(NoSuchFileException.class);
        assertThat(KernelErrors.classify(assertThrows(() -> a.read("/proc/999999999/stat")))).isEqualTo(ErrorKind.VANISHED);
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "x");
        File f = secret.toFile();
        assertThat(f.setReadable(false, false)).isTrue();
        if (!"root".equals(System.getProperty("user.name"))) {
            assertThatThrownBy(() -> a.read(secret.toString())).isInstanceOf(AccessDeniedException.class);
        }
        assertThat(KernelErrors.classify(assertThrows(() -> a.read(dir.toString())))).isEqualTo(ErrorKind.IO);
    }

    @Test
    void theCapHoldsAndAFileExactlyAtTheCapIsRead(@TempDir Path dir) throws IOException {
        byte[] content = new byte[4096];
        Arrays.fill(content, (byte) 'x');
        Path exact = dir.resolve("exact");
        Files.write(exact, content);
        Path over = dir.resolve("over");
        Files.write(over, Arrays.copyOf(content, 4097));
        FileBytes small = new FileBytes(64, 4096);
        assertThat(small.read(exact.toString()).length()).isEqualTo(4096);
        assertThatThrownBy(() -> small.read(over.toString())).isInstanceOf(FileTooLargeException.class);
        assertThat(KernelErrors.classify(assertThrows(() -> small.read(over.toString())))).isEqualTo(ErrorKind.TOO_LARGE);
        FileBytes jdk = new FileBytes(64, 4096);
        assertThat(jdk.readWithJdk(exact.toString()).length()).isEqualTo(4096);
        assertThatThrownBy(() -> jdk.readWithJdk(over.toString())).isInstanceOf(FileTooLargeException.class);
    }

    /** Reads that must refuse: each as the native path (the one used on Linux) and the JDK's fallback do them. */
    interface Checked {
        FileBytes read(FileBytes b, String path, long owner, boolean follow) throws IOException;
    }

    static final Checked NATIVE = (b, path, owner, follow) -> follow ? b.readNamedFile(path) : b.readUntrusted(path, owner);
    static final Checked JDK = (b, path, owner, follow) -> b.readCheckedWithJdk(path, owner, follow);

    @Test
    void filesAUserMayPlaceAreRefusedUnreadAndWithoutBlocking(@TempDir Path dir) throws Exception {
        assertThat(NativeFiles.Stat.AVAILABLE).as("statx binds on Linux").isTrue();
        Path regular = Files.writeString(dir.resolve("regular"), "{}");
        Path fifo = dir.resolve("fifo");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        Path link = Files.createSymbolicLink(dir.resolve("link"), regular);
        Path big = dir.resolve("big");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(4097);
        }
        long self = ((Number) Files.getAttribute(regular, "unix:uid")).longValue();
        for (Checked c : new Checked[] {NATIVE, JDK}) {
            String how = c == NATIVE ? "native" : "jdk";
            FileBytes b = new FileBytes(64, 4096);
            assertThat(c.read(b, regular.toString(), FileBytes.ANY_OWNER, false).asString()).as(how).isEqualTo("{}");
            assertThat(c.read(b, regular.toString(), self, false).asString()).as(how).isEqualTo("{}");
            assertThat(c.read(b, link.toString(), FileBytes.ANY_OWNER, true).asString()).as(how + ": a named file's link is followed")
                    .isEqualTo("{}");
            refused(how + " fifo", () -> c.read(b, fifo.toString(), FileBytes.ANY_OWNER, false), ErrorKind.IO, "not a regular file");
            refused(how + " named fifo", () -> c.read(b, fifo.toString(), FileBytes.ANY_OWNER, true), ErrorKind.IO, "not a regular file");
            refused(how + " /dev/zero", () -> c.read(b, "/dev/zero", FileBytes.ANY_OWNER, true), ErrorKind.IO, "not a regular file");
            refused(how + " directory", () -> c.read(b, dir.toString(), FileBytes.ANY_OWNER, false), ErrorKind.IO, "not a regular file");
            refused(how + " link", () -> c.read(b, link.toString(), FileBytes.ANY_OWNER, false), ErrorKind.IO, "symbolic link");
            refused(how + " owner", () -> c.read(b, regular.toString(), self + 1, false), ErrorKind.PERMISSION, "owned by uid " + self);
            refused(how + " big", () -> c.read(b, big.toString(), FileBytes.ANY_OWNER, false), ErrorKind.TOO_LARGE, "larger than 4096");
            refused(how + " missing", () -> c.read(b, dir.resolve("missing").toString(), FileBytes.ANY_OWNER, false), ErrorKind.VANISHED,
                    "missing");
            assertThat(b.length()).as(how + ": nothing kept of a refused file").isZero();
        }
    }

    static void refused(String what, Read r, ErrorKind kind, String message) {
        IOException e = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> assertThrows(r),
                what + " returns at once");
        assertThat(KernelErrors.classify(e)).as(what + ": " + e).isEqualTo(kind);
        assertThat(e.getMessage()).as(what).contains(message);
    }

    interface Read {
        void run() throws IOException;
    }

    static IOException assertThrows(Read r) {
        try {
            r.run();
        } catch (IOException e) {
            return e;
        }
        throw new AssertionError("no exception");
    }
}
