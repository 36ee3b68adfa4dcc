package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /proc/<pid>/mountinfo} (proc(5)): one mount of the process's mount namespace per line,
 * {@code id parent major:minor root mountPoint options [optional fields] - fstype source superOptions}.
 * Paths are relative to the process's root (a mount outside it is not listed) and escape space, tab,
 * newline and backslash as octal ({@code \040}); they are unescaped here. The optional fields give the
 * propagation: {@code shared:N} (events go both ways), {@code master:N} (a slave: it receives the
 * master's mounts), {@code unbindable}; none is private.
 */
public final class ProcMountinfo {
    /** The kernel's mark on a path whose dentry was unlinked (a bind-mounted file replaced on the host). */
    private static final String DELETED = "//deleted";

    private ProcMountinfo() {
    }

    /**
     * One line.
     *
     * @param root         the path within its filesystem that is mounted ({@code /} for the whole of it; a bind's source)
     * @param mountPoint   where it is mounted, relative to the process's root
     * @param readOnly     the mount or its filesystem is read-only
     * @param propagation  {@code shared}, {@code slave}, {@code unbindable} or {@code private}; {@code shared} also when it
     *                     is a slave as well
     * @param superOptions the filesystem's options, as the kernel wrote them (values still escaped)
     */
    public record Mount(int id, int parent, int major, int minor, String root, String mountPoint, boolean readOnly,
                        String propagation, String fstype, String source, String superOptions) {

        /** True when both are mounts of one filesystem (the same device numbers). */
        public boolean sameDevice(Mount o) {
            return major == o.major && minor == o.minor;
        }

        /** The value of one super option ({@code upperdir} of an overlay), unescaped; null when absent. */
        public String superOption(String name) {
            String s = superOptions;
            int i = 0;
            while (i <= s.length()) {
                int comma = s.indexOf(',', i);
                int end = comma < 0 ? s.length() : comma;
                if (end - i > name.length() && s.startsWith(name, i) && s.charAt(i + name.length()) == '=') {
                    return unescape(s.substring(i + name.length() + 1, end));
                }
                if (comma < 0) {
                    break;
                }
                i = comma + 1;
            }
            return null;
        }
    }

    public static List<Mount> parse(byte[] b, int len) throws MalformedFileException {
        List<Mount> out = new ArrayList<>();
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            if (end > i) {
                out.add(line(b, i, end));
            }
            i = end + 1;
        }
        if (out.isEmpty()) {
            throw new MalformedFileException("mountinfo: empty");
        }
        return out;
    }

    private static Mount line(byte[] b, int from, int end) throws MalformedFileException {
        int[] f = new int[2];
        int i = field(b, from, end, f);
        int id = number(b, f);
        i = field(b, i, end, f);
        int parent = number(b, f);
        i = field(b, i, end, f);
        int colon = Ascii.indexOf(b, f[0], f[1], (byte) ':');
        if (colon < 0) {
            throw new MalformedFileException("mountinfo: bad major:minor");
        }
        int major = number(b, f[0], colon);
        int minor = number(b, colon + 1, f[1]);
        i = field(b, i, end, f);
        String root = path(b, f, false); // an nsfs mount's root is the namespace, net:[4026531833]
        i = field(b, i, end, f);
        String mountPoint = path(b, f, true);
        i = field(b, i, end, f);
        boolean readOnly = hasOption(b, f[0], f[1], "ro");
        boolean shared = false;
        boolean slave = false;
        boolean unbindable = false;
        while (true) {
            i = field(b, i, end, f);
            if (f[1] - f[0] == 1 && b[f[0]] == '-') {
                break;
            }
            shared |= startsWith(b, f[0], f[1], "shared:");
            slave |= startsWith(b, f[0], f[1], "master:");
            unbindable |= Ascii.equals(b, f[0], f[1], "unbindable");
        }
        i = field(b, i, end, f);
        String fstype = text(b, f[0], f[1]);
        i = field(b, i, end, f);
        String source = unescape(text(b, f[0], f[1]));
        i = field(b, i, end, f);
        String superOptions = text(b, f[0], f[1]);
        readOnly |= hasOption(b, f[0], f[1], "ro");
        String propagation = shared ? "shared" : slave ? "slave" : unbindable ? "unbindable" : "private";
        return new Mount(id, parent, major, minor, root, mountPoint, readOnly, propagation, fstype, source, superOptions);
    }

    /** The next space-separated field from {@code i} into {@code f} ({from, to}); the index after it. */
    private static int field(byte[] b, int i, int end, int[] f) throws MalformedFileException {
        int s = Ascii.skipSpaces(b, i, end);
        if (s >= end) {
            throw new MalformedFileException("mountinfo: line cut short");
        }
        f[0] = s;
        f[1] = Ascii.tokenEnd(b, s, end);
        return f[1];
    }

    private static int number(byte[] b, int[] f) throws MalformedFileException {
        return number(b, f[0], f[1]);
    }

    private static int number(byte[] b, int from, int to) throws MalformedFileException {
        long v = Ascii.parseLong(b, from, to);
        if (v < 0 || v > Integer.MAX_VALUE) {
            throw new MalformedFileException("mountinfo: bad number");
        }
        return (int) v;
    }

    private static String path(byte[] b, int[] f, boolean absolute) throws MalformedFileException {
        if (absolute && b[f[0]] != '/') {
            throw new MalformedFileException("mountinfo: path not absolute");
        }
        String p = unescape(text(b, f[0], f[1]));
        return p.endsWith(DELETED) && p.length() > DELETED.length() ? p.substring(0, p.length() - DELETED.length()) : p;
    }

    private static boolean hasOption(byte[] b, int from, int to, String option) {
        int i = from;
        while (i < to) {
            int comma = Ascii.indexOf(b, i, to, (byte) ',');
            int end = comma < 0 ? to : comma;
            if (Ascii.equals(b, i, end, option)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static boolean startsWith(byte[] b, int from, int to, String prefix) {
        return to - from > prefix.length() && Ascii.equals(b, from, from + prefix.length(), prefix);
    }

    private static String text(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.UTF_8);
    }

    /** Turns the kernel's octal escapes ({@code \040}) back into bytes; anything else is kept as it is. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 3 < in.length && octal(in[i + 1]) && octal(in[i + 2]) && octal(in[i + 3])) {
                out[n++] = (byte) (((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
                i += 3;
            } else {
                out[n++] = in[i];
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }

    private static boolean octal(byte c) {
        return c >= '0' && c <= '7';
    }
}
