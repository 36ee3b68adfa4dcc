package dev.nscope.testing;

import dev.nscope.host.HostPaths;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Unpacks the captured host trees of {@code src/test/resources/fixtures} (once per test JVM) with
 * {@code tar}, which keeps the namespace links as the symlinks they were captured as. They go under
 * {@code target/test-fixtures} and are removed when the test JVM exits, so no run litters /tmp.
 */
public final class Fixtures {
    public static final String V2_NODE = "cgroup2-node.tar.gz";
    public static final String V2_CASES = "cgroup2-cases.tar.gz";
    public static final String V1_DOCKER = "cgroup1-docker.tar.gz";

    private static final Map<String, Path> UNPACKED = new ConcurrentHashMap<>();

    private Fixtures() {
    }

    /** The root of the unpacked archive. */
    public static Path unpack(String archive) {
        return UNPACKED.computeIfAbsent(archive, Fixtures::extract);
    }

    /** The host paths of a tree inside an unpacked archive ("" for its root, "host" or "cgroupns" for the v2 cases). */
    public static HostPaths paths(String archive, String tree) {
        Path root = tree.isEmpty() ? unpack(archive) : unpack(archive).resolve(tree);
        return new HostPaths(root.resolve("proc"), root.resolve("sys"));
    }

    public static HostPaths paths(String archive) {
        return paths(archive, "");
    }

    private static void removeTree(Path dir) {
        try {
            new ProcessBuilder("rm", "-rf", "--", dir.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        } catch (IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path extract(String archive) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + archive)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + archive);
            }
            Path base = Files.createDirectories(Path.of("target", "test-fixtures"));
            Path dir = Files.createTempDirectory(base, archive.replace(".tar.gz", "-")).toAbsolutePath();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> removeTree(dir), "fixture-cleanup"));
            Path tgz = dir.resolve(archive);
            Files.copy(in, tgz);
            Process p = new ProcessBuilder("tar", "-C", dir.toString(), "-xzf", tgz.toString())
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("tar failed on " + archive + ": " + new String(p.getInputStream().readAllBytes()));
            }
            Files.delete(tgz);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
