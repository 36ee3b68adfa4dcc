package dev.nscope;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One temporary directory per nscope process, {@code ${java.io.tmpdir}/nscope-<pid>-<random>}, for what the
 * libraries would otherwise leave behind: JNA's native library ({@code jna.tmpdir}; JNA unpacks it under
 * {@code $HOME/.cache} otherwise) and Tomcat's base and document directories ({@code server.tomcat.basedir},
 * which the agent's {@code /tmp/tomcat.*} directories outlived every stop). It is removed when the JVM exits. A process that could not remove its own (killed, or halted by
 * {@link StopWatchdog}) leaves it to the next start, which removes every such directory of this user whose
 * process is gone: the Helm chart's {@code /tmp} is a small emptyDir that outlives the agent's restarts.
 * The old directories are removed without following links, and only when they are directories this user owns.
 */
final class AgentTempDir {
    private static final Pattern NAME = Pattern.compile("nscope-(\\d{1,10})-[^/]+");

    private AgentTempDir() {
    }

    /**
     * Makes this process's directory and points JNA at it; returns it, or null where none could be made (a
     * read-only {@code /tmp}: the libraries' defaults stay).
     */
    static Path use() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long self = ProcessHandle.current().pid();
        Path dir;
        try {
            dir = Files.createTempDirectory(tmp, "nscope-" + self + "-");
            sweep(tmp, self, dir, Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        System.setProperty("jna.tmpdir", dir.resolve("jna").toString());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir), "nscope-temp-cleanup"));
        return dir;
    }

    /** The agent's defaults for Spring: Tomcat's base directory in {@code dir} (its document root follows, see NscopeApplication). */
    static Map<String, Object> springDefaults(Path dir) {
        return dir == null ? Map.of() : Map.of("server.tomcat.basedir", dir.resolve("tomcat").toString());
    }

    /**
     * Removes the directories {@code me}'s nscope processes left in {@code tmp}: those whose process is gone, and
     * those of an earlier process with this pid (a restarted container's PID 1); never {@code mine}.
     */
    static void sweep(Path tmp, long self, Path mine, UserPrincipal me) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp, "nscope-*")) {
            for (Path p : ds) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches() || p.equals(mine)) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if ((pid == self || ProcessHandle.of(pid).isEmpty()) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                        && me.equals(Files.getOwner(p, LinkOption.NOFOLLOW_LINKS))) {
                    delete(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // what cannot be listed or removed stays
        }
    }

    /** Removes a tree; a link in it is removed, never followed. */
    static void delete(Path dir) {
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException | RuntimeException e) {
            // what cannot be removed stays; the next start tries again
        }
    }
}
