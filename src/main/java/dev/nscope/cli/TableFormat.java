package dev.nscope.cli;

import dev.nscope.host.ErrorKind;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code scan} table: one line per container, columns sized to their content; and the summary line that
 * goes with it (on stderr). Every cell is made harmless for a terminal first ({@link #cell}): names, pods and
 * PID 1's comm come from the runtimes' files and the processes themselves.
 */
public final class TableFormat {
    private TableFormat() {
    }

    static final String[] HEADER = {"ID", "RUNTIME", "NAME", "POD", "PID1", "PROCS", "HOST-NS", "REACH", "FINDINGS"};
    /** The isolation rules as the REACH column marks them, most severe first. */
    private static final String[][] REACH = {{"privileged", "privileged"}, {"runtime-socket-mounted", "socket"},
            {"host-path-mounted", "host-path"}, {"dangerous-capabilities", "caps"}, {"seccomp-unconfined", "no-seccomp"}};
    /** The most characters a cell shows; a longer one ends in "…". */
    static final int MAX_CELL = 128;

    /** The table of the containers of {@code s} that the filter lets through, with or without its header line. */
    public static String render(ScanSnapshot s, List<ContainerSnapshot> containers, boolean headers) {
        List<String[]> rows = new ArrayList<>();
        if (headers) {
            rows.add(HEADER);
        }
        Namespaces host = s.node().hostNamespaces();
        for (ContainerSnapshot c : containers) {
            rows.add(new String[] {
                    cell(shortId(c.id())),
                    c.runtime().label(),
                    cell(orDash(c.name())),
                    cell(pod(c)),
                    c.pid1() == null ? "-" : c.pid1().hostPid() + " " + cell(c.pid1().comm()),
                    String.valueOf(c.processes().total()),
                    shared(c.namespaces(), host),
                    reach(c),
                    c.findings().isEmpty() ? "-" : String.valueOf(c.findings().size())});
        }
        int[] w = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], width(r[i]));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(w[i] - width(r[i]) + 2));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The isolation findings of a container as short marks ({@code privileged,socket}), or "-". */
    static String reach(ContainerSnapshot c) {
        StringBuilder sb = new StringBuilder();
        for (String[] r : REACH) {
            if (c.findings().stream().anyMatch(f -> f.rule().equals(r[0]))) {
                sb.append(sb.isEmpty() ? "" : ",").append(r[1]);
            }
        }
        return sb.isEmpty() ? "-" : sb.toString();
    }

    /**
     * The summary: how many containers (of how many, when filtered), processes, the cgroup version, the time of
     * the scan, and the problems the scan met (the kinds of {@code node.scanErrors} but vanished processes,
     * which are normal churn); then one line per warning.
     */
    public static String summary(ScanSnapshot s, int shown) {
        StringBuilder sb = new StringBuilder();
        if (shown != s.containers().size()) {
            sb.append(shown).append(" of ");
        }
        sb.append(s.containers().size()).append(" containers, ").append(s.node().processes())
                .append(" processes, cgroup ").append(s.node().cgroupVersion().label())
                .append(", scanned in ").append(s.node().scanMillis()).append(" ms");
        long errors = 0;
        List<String> kinds = new ArrayList<>();
        for (Map.Entry<ErrorKind, Long> e : s.node().scanErrors().entrySet()) {
            if (e.getKey() != ErrorKind.VANISHED && e.getValue() > 0) {
                errors += e.getValue();
                kinds.add(e.getKey().label() + " " + e.getValue());
            }
        }
        if (errors > 0) {
            sb.append(", ").append(errors).append(errors == 1 ? " scan error (" : " scan errors (").append(String.join(", ", kinds)).append(')');
        }
        sb.append('\n');
        for (String w2 : s.node().warnings()) {
            sb.append("warning: ").append(cell(w2)).append('\n');
        }
        return sb.toString();
    }

    /**
     * A string from outside made visible and harmless on a terminal, as {@code ls} shows odd file names:
     * ESC as {@code \e}, newline, carriage return and tab as {@code \n}, {@code \r}, {@code \t}, a backslash as
     * {@code \\} (so the escapes stay unambiguous); every other control character (C0 with NUL and BEL, DEL,
     * C1), and the invisible characters that reorder or hide text (bidi controls, zero-width characters, line
     * and paragraph separators, lone surrogates) as {@code ?}. At most {@value #MAX_CELL} characters are shown.
     */
    static String cell(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_CELL) + 8);
        int shown = 0;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (shown == MAX_CELL) {
                sb.append('…');
                break;
            }
            shown++;
            switch (cp) {
                case 0x1b -> sb.append("\\e");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (visible(cp)) {
                        sb.appendCodePoint(cp);
                    } else {
                        sb.append('?');
                    }
                }
            }
        }
        return sb.toString();
    }

    private static boolean visible(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED -> false;
            default -> true;
        };
    }

    /** Columns a cell takes, counted in code points (wide characters are rare in these names). */
    private static int width(String s) {
        return s.codePointCount(0, s.length());
    }

    static String shortId(String id) {
        return id.length() == 64 && id.chars().allMatch(ch -> Character.digit(ch, 16) >= 0) ? id.substring(0, 12) : id;
    }

    private static String pod(ContainerSnapshot c) {
        if (c.kubernetes() == null) {
            return "-";
        }
        String ns = c.kubernetes().namespace();
        String name = c.kubernetes().podName();
        if (name == null) {
            return "uid:" + c.kubernetes().podUid();
        }
        return ns == null ? name : ns + "/" + name;
    }

    private static String shared(Namespaces ns, Namespaces host) {
        List<String> out = new ArrayList<>();
        for (NamespaceType t : NamespaceType.all()) {
            if (ns.known(t) && host.known(t) && ns.get(t) == host.get(t)) {
                out.add(t.link());
            }
        }
        return out.isEmpty() ? "-" : String.join(",", out);
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }
}
