package dev.nscope.cli;

import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;

import java.util.ArrayList;
import java.util.List;

/** The {@code scan} table: one line per container, columns sized to their content. */
public final class TableFormat {
    private TableFormat() {
    }

    static final String[] HEADER = {"ID", "RUNTIME", "NAME", "POD", "PID1", "PROCS", "HOST-NS", "FINDINGS"};

    public static String render(ScanSnapshot s) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        Namespaces host = s.node().hostNamespaces();
        for (ContainerSnapshot c : s.containers()) {
            rows.add(new String[] {
                    shortId(c.id()),
                    c.runtime().label(),
                    orDash(c.name()),
                    pod(c),
                    c.pid1() == null ? "-" : c.pid1().hostPid() + " " + c.pid1().comm(),
                    String.valueOf(c.processes().total()),
                    shared(c.namespaces(), host),
                    c.findings().isEmpty() ? "-" : String.valueOf(c.findings().size())});
        }
        int[] w = new int[HEADER.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(r[i]);
                if (i < r.length - 1) {
                    sb.append(" ".repeat(w[i] - r[i].length() + 2));
                }
            }
            sb.append('\n');
        }
        sb.append(s.containers().size()).append(" containers, ").append(s.node().processes())
                .append(" processes, cgroup ").append(s.node().cgroupVersion().label())
                .append(", scanned in ").append(s.node().scanMillis()).append(" ms\n");
        for (String w2 : s.node().warnings()) {
            sb.append("warning: ").append(w2).append('\n');
        }
        return sb.toString();
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
