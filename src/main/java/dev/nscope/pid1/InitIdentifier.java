package dev.nscope.pid1;

import java.util.List;
import java.util.Locale;

/**
 * Tells the {@link InitKind} of a PID 1 from its executable ({@code /proc/<pid>/exe} target), its
 * {@code comm} and its argument vector, in that order of trust, with the traps of docs/pid1.md:
 * <ul>
 * <li>{@code exe} of a busybox applet is busybox: the applet is {@code comm} (or, when started as
 * {@code busybox sleep …}, argv[1]);</li>
 * <li>{@code docker-init} is tini; podman's {@code --init} is catatonit mounted as
 * {@code podman-init}; catatonit may call itself tini, so the executable wins over {@code comm}, and
 * a "tini" that sleeps in {@code signalfd_read_iter} is catatonit (tini uses sigtimedwait);</li>
 * <li>for an interpreter (python, node) the script is the program: supervisord is a Python script,
 * run by {@code exe} python3.x with {@code comm} "supervisord" and the script in argv;</li>
 * <li>Debian's dash stays PID 1 for {@code sh -c 'cmd'}: {@code exe} dash, {@code comm} sh.</li>
 * </ul>
 * Without the rights to read {@code exe} (null) or {@code cmdline} (empty), {@code comm} decides.
 */
public final class InitIdentifier {
    private InitIdentifier() {
    }

    /** The kind and, for evidence, what it was told by ("exe /bin/tini", "comm sh (busybox applet)"). */
    public record Identification(InitKind kind, String by) {
        public static final Identification NONE = new Identification(InitKind.UNKNOWN, "nothing readable");
    }

    public static Identification identify(String comm, String exe, List<String> argv) {
        return identify(comm, exe, argv, null);
    }

    /**
     * @param exe  the target of {@code /proc/<pid>/exe}, null when unreadable
     * @param argv the arguments ({@code /proc/<pid>/cmdline}), empty when unreadable
     * @param wchan the wait symbol, null when unknown (used only to tell catatonit from tini)
     */
    public static Identification identify(String comm, String exe, List<String> argv, String wchan) {
        Identification id = byFiles(comm, exe, argv == null ? List.of() : argv);
        if ((id.kind() == InitKind.TINI) && wchan != null && wchan.contains("signalfd")) {
            return new Identification(InitKind.CATATONIT, id.by() + ", but waits in " + wchan + " as catatonit does (tini uses sigtimedwait)");
        }
        return id;
    }

    private static Identification byFiles(String comm, String exe, List<String> argv) {
        String exeName = basename(exe == null ? null : stripDeleted(exe));
        String argv0 = argv.isEmpty() ? null : stripLoginDash(basename(argv.get(0)));
        if (exeName != null && isBusybox(exeName)) {
            String applet = comm != null && !isBusybox(comm) ? comm
                    : argv0 != null && !isBusybox(argv0) ? argv0
                    : argv.size() > 1 ? basename(argv.get(1)) : null;
            InitKind k = byName(applet);
            return new Identification(k, "exe " + exe + ", applet " + applet);
        }
        if (exeName != null) {
            InitKind k = byName(exeName);
            if (k.isInterpreter()) {
                Identification script = scriptOf(k, comm, argv);
                return script != null ? script : new Identification(k, "exe " + exe);
            }
            if (k != InitKind.UNKNOWN) {
                return new Identification(k, "exe " + exe);
            }
            // an executable with an unknown name: comm and argv[0] come from the same file name
            // (or were set by the program itself), they can only add a guess of the same weight
            return new Identification(InitKind.UNKNOWN, "exe " + exe);
        }
        if (comm != null && !comm.isEmpty()) {
            String name = comm;
            if (isBusybox(comm)) {
                name = argv.size() > 1 && argv0 != null && isBusybox(argv0) ? basename(argv.get(1)) : argv0;
            }
            InitKind k = byName(name);
            if (k.isInterpreter()) {
                Identification script = scriptOf(k, null, argv);
                if (script != null) {
                    return script;
                }
            }
            return new Identification(k, "comm " + comm + (name != null && !name.equals(comm) ? ", applet " + name : "")
                    + " (exe unreadable)");
        }
        if (argv0 != null) {
            return new Identification(byName(argv0), "argv[0] " + argv.get(0) + " (exe and comm unreadable)");
        }
        return Identification.NONE;
    }

    /** A known program run by an interpreter: by {@code comm} (a #! script's name), else the script in argv. */
    private static Identification scriptOf(InitKind interpreter, String comm, List<String> argv) {
        if (comm != null) {
            InitKind k = byName(comm);
            if (k != InitKind.UNKNOWN && !k.isInterpreter()) {
                return new Identification(k, "comm " + comm + " run by " + interpreter.label());
            }
        }
        String script = switch (interpreter) {
            case PYTHON -> pythonScript(argv);
            case NODE -> firstOperand(argv, "-r", "--require");
            default -> null;
        };
        if (script == null) {
            return null;
        }
        InitKind k = byName(basename(script));
        if (k != InitKind.UNKNOWN && !k.isInterpreter()) {
            return new Identification(k, "script " + script + " run by " + interpreter.label());
        }
        return null;
    }

    /** python's script or {@code -m} module's last component; null for {@code -c}. */
    private static String pythonScript(List<String> argv) {
        for (int i = 1; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("-c") || a.equals("-")) {
                return null;
            }
            if (a.equals("-m")) {
                if (i + 1 >= argv.size()) {
                    return null;
                }
                String m = argv.get(i + 1);
                return m.substring(m.lastIndexOf('.') + 1);
            }
            if (a.equals("-W") || a.equals("-X") || a.equals("-Q")) {
                i++;
                continue;
            }
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    private static String firstOperand(List<String> argv, String... withArgument) {
        for (int i = 1; i < argv.size(); i++) {
            String a = argv.get(i);
            if (a.equals("-e") || a.equals("--eval") || a.equals("-p") || a.equals("--print")) {
                return null;
            }
            if (List.of(withArgument).contains(a)) {
                i++;
                continue;
            }
            if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    /** The kind a program's base name stands for, UNKNOWN when none. */
    public static InitKind byName(String name) {
        if (name == null || name.isEmpty()) {
            return InitKind.UNKNOWN;
        }
        String n = name.toLowerCase(Locale.ROOT);
        if (named(n, "tini")) {
            return InitKind.TINI;
        }
        if (named(n, "docker-init")) {
            return InitKind.DOCKER_INIT;
        }
        if (named(n, "dumb-init")) {
            return InitKind.DUMB_INIT;
        }
        if (named(n, "catatonit") || n.equals("podman-init")) {
            return InitKind.CATATONIT;
        }
        return switch (n) {
            case "pause" -> InitKind.PAUSE;
            case "s6-svscan" -> InitKind.S6_SVSCAN;
            case "supervisord" -> InitKind.SUPERVISORD;
            case "systemd" -> InitKind.SYSTEMD;
            case "runit", "runit-init" -> InitKind.RUNIT;
            case "sh", "bash", "dash", "ash", "hush", "zsh", "ksh", "mksh", "rbash" -> InitKind.SHELL;
            case "node", "nodejs" -> InitKind.NODE;
            case "java" -> InitKind.JAVA;
            default -> n.matches("python[0-9.]*") ? InitKind.PYTHON : InitKind.UNKNOWN;
        };
    }

    /** {@code base} itself or a release build of it ("tini-static", "dumb-init_1.2.5_x86_64"). */
    private static boolean named(String n, String base) {
        if (!n.startsWith(base)) {
            return false;
        }
        if (n.length() == base.length()) {
            return true;
        }
        char c = n.charAt(base.length());
        return c == '-' || c == '_' || c == '.';
    }

    private static boolean isBusybox(String name) {
        return name.equals("busybox") || name.startsWith("busybox.") || name.startsWith("busybox-");
    }

    private static String stripDeleted(String exe) {
        return exe.endsWith(" (deleted)") ? exe.substring(0, exe.length() - 10) : exe;
    }

    private static String stripLoginDash(String s) {
        return s != null && s.length() > 1 && s.charAt(0) == '-' ? s.substring(1) : s;
    }

    static String basename(String path) {
        if (path == null || path.isEmpty()) {
            return null;
        }
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        int slash = p.lastIndexOf('/');
        String b = slash < 0 ? p : p.substring(slash + 1);
        return b.isEmpty() ? null : b;
    }
}
