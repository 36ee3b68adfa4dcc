package dev.nscope.testing;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The file system calls of a process tree, as {@code strace -f -y -s 4096 -o FILE} writes them: each call
 * with the paths it names (made absolute with the directory fd's path that {@code -y} prints) and
 * whether it writes: an {@code open} with {@code O_WRONLY}, {@code O_RDWR}, {@code O_CREAT} or
 * {@code O_TRUNC}, or any call that creates, removes, renames, links or truncates.
 */
public final class StraceLog {
    /** The syscalls to trace, as a regular expression strace takes on every architecture. */
    public static final String SYSCALLS = "/^(open|openat|openat2|creat|mkdir|mkdirat|unlink|unlinkat|rmdir|rename|renameat|renameat2"
            + "|truncate|ftruncate|link|linkat|symlink|symlinkat)$";

    public static List<String> command(Path out) {
        return List.of("strace", "-f", "-qq", "--seccomp-bpf", "-s", "4096", "-y", "-e", "trace=" + SYSCALLS, "-o", out.toString());
    }

    /** One call: its paths in argument order; {@code write} when it changes the file system (or opens for that). */
    public record Call(int pid, String syscall, List<String> paths, boolean write, boolean opens, String line) {
    }

    private static final Pattern CALL = Pattern.compile("^(\\d+)\\s+([a-z0-9_]+)\\((.*)$");
    /** An fd with its path ({@code 3</proc/1>}, {@code AT_FDCWD</cwd>}), a quoted string, or anything else up to ','. */
    private static final Pattern ARG = Pattern.compile("\\s*(?:(AT_FDCWD|-?\\d+)<((?:[^>\\\\]|\\\\.)*)>|\"((?:[^\"\\\\]|\\\\.)*)\"(?:\\.\\.\\.)?|(\\{[^}]*\\}|[^,)]*))\\s*[,)]?");
    private static final Pattern WRITE_FLAGS = Pattern.compile("O_WRONLY|O_RDWR|O_CREAT|O_TRUNC");

    public static List<Call> parse(Path file) throws IOException {
        List<Call> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            Matcher m = CALL.matcher(line);
            if (!m.matches() || line.contains("resumed>")) {
                continue;
            }
            String syscall = m.group(2);
            String rest = m.group(3);
            List<String> paths = new ArrayList<>();
            List<String> flags = new ArrayList<>();
            String dir = null;
            String fdPath = null;
            Matcher a = ARG.matcher(rest);
            int pos = 0;
            while (pos < rest.length() && a.find(pos) && a.start() == pos && a.end() > pos) {
                if (a.group(2) != null) {
                    dir = unescape(a.group(2));
                    if (fdPath == null && !a.group(1).equals("AT_FDCWD")) {
                        fdPath = dir;
                    }
                } else if (a.group(3) != null) {
                    String p = unescape(a.group(3));
                    paths.add(p.startsWith("/") || dir == null ? p : dir + "/" + p);
                } else if (a.group(4) != null) {
                    flags.add(a.group(4));
                }
                pos = a.end();
                if (rest.startsWith(" =", pos) || rest.startsWith(" <unfinished", pos)) {
                    break;
                }
            }
            boolean opens = syscall.startsWith("open") || syscall.equals("creat");
            boolean write;
            if (syscall.startsWith("open")) {
                write = flags.stream().anyMatch(f -> WRITE_FLAGS.matcher(f).find());
            } else {
                write = true;
            }
            if (syscall.equals("ftruncate") && fdPath != null) {
                paths.add(fdPath);
            }
            out.add(new Call(Integer.parseInt(m.group(1)), syscall, List.copyOf(paths), write, opens, line));
        }
        return out;
    }

    /** strace's C-style escapes: {@code \\ \" \n \t \r \v \f \ooo \xHH}; bytes decoded as UTF-8. */
    static String unescape(String s) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                b.write((byte) c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n' -> b.write('\n');
                case 't' -> b.write('\t');
                case 'r' -> b.write('\r');
                case 'v' -> b.write(0x0b);
                case 'f' -> b.write('\f');
                case 'x' -> {
                    b.write(Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> {
                    if (n >= '0' && n <= '7') {
                        int j = i;
                        while (j < s.length() && j < i + 3 && s.charAt(j) >= '0' && s.charAt(j) <= '7') {
                            j++;
                        }
                        b.write(Integer.parseInt(s.substring(i, j), 8));
                        i = j - 1;
                    } else {
                        b.write((byte) n);
                    }
                }
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
