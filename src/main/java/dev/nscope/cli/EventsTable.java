package dev.nscope.cli;

import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The table of {@code nscope events}: one line per event; every cell from the agent made harmless for a terminal. */
final class EventsTable {
    private EventsTable() {
    }

    static String[] row(JsonNode e) {
        JsonNode k = e.get("kubernetes");
        String pod = k == null || k.isNull() ? "-" : text(k.get("namespace")) + "/" + text(k.get("podName"));
        JsonNode p = e.get("pid1");
        String pid1 = p == null || p.isNull() ? "-" : text(p.get("hostPid")) + " " + text(p.get("comm"));
        String exit = text(e.get("exitCode"));
        String signal = text(e.get("exitSignal"));
        JsonNode life = e.get("lifetimeSeconds");
        List<String> confirms = new ArrayList<>();
        JsonNode c = e.get("confirms");
        if (c != null && c.isArray()) {
            c.forEach(r -> confirms.add(r.asString("")));
        }
        return new String[] {
                text(e.get("seq")),
                text(e.get("time")),
                text(e.get("type")),
                text(e.get("name")),
                TableFormat.shortId(text(e.get("id"))),
                text(e.get("runtime")),
                pod,
                pid1,
                text(e.get("outcome")),
                signal.equals("-") ? exit : exit.equals("-") ? signal : exit + " " + signal,
                life == null || life.isNull() ? "-" : String.format(Locale.ROOT, "%.1fs", life.asDouble()),
                confirms.isEmpty() ? "-" : String.join(",", confirms)};
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull()) {
            return "-";
        }
        String s = n.isString() ? n.asString() : n.toString();
        return s.isEmpty() ? "-" : TableFormat.cell(s);
    }

    /** The rows (and the header when not null), columns two spaces apart, each as wide as its widest cell here. */
    static String render(String[] header, List<String[]> rows) {
        List<String[]> all = new ArrayList<>();
        if (header != null) {
            all.add(header);
        }
        all.addAll(rows);
        int n = EventsCommand.HEADER.length;
        int[] w = new int[n];
        for (String[] r : all) {
            for (int i = 0; i < n; i++) {
                w[i] = Math.max(w[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : all) {
            for (int i = 0; i < n; i++) {
                sb.append(r[i]);
                if (i < n - 1) {
                    sb.append(" ".repeat(w[i] - r[i].codePointCount(0, r[i].length()) + 2));
                }
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
