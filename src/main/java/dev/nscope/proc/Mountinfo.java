package dev.nscope.proc;

import dev.nscope.host.MalformedFileException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /proc/<pid>/mountinfo} (proc(5)): {@code id parent major:minor root mount-point options
 * [optional fields…] - fstype source super-options}. Paths escape space, tab, newline and backslash as
 * octal ({@code \040}). nscope uses it to find the cgroup hierarchies (fstype {@code cgroup} and
 * {@code cgroup2}) and, for v1, which controllers each one carries (its super options).
 */
public final class Mountinfo {
    private Mountinfo() {
    }

    public record Mount(String root, String mountPoint, String fsType, String source, String superOptions) {
        /** True for a cgroup v1 or v2 mount. */
        public boolean isCgroup() {
            return fsType.equals("cgroup") || fsType.equals("cgroup2");
        }
    }

    public static List<Mount> parse(byte[] b, int len) throws MalformedFileException {
        String text = new String(b, 0, len, StandardCharsets.UTF_8);
        List<Mount> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 9 || dash < 0 || dash + 2 >= f.length) {
                throw new MalformedFileException("mountinfo: short line");
            }
            String superOptions = dash + 3 < f.length ? f[dash + 3] : "";
            out.add(new Mount(unescape(f[3]), unescape(f[4]), f[dash + 1], unescape(f[dash + 2]), superOptions));
        }
        return out;
    }

    /** Undoes the kernel's octal escapes ({@code \040} is a space). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1) && isOctal(s, i + 2) && isOctal(s, i + 3)) {
                sb.append((char) ((s.charAt(i + 1) - '0') * 64 + (s.charAt(i + 2) - '0') * 8 + (s.charAt(i + 3) - '0')));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int i) {
        return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7';
    }
}
