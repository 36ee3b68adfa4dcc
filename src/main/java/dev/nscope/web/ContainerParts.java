package dev.nscope.web;

import dev.nscope.proc.Namespaces;
import dev.nscope.rules.Evidence;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.text.ByteOutput;
import tools.jackson.core.JsonGenerator;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What one container's entry in the document was written as, by document {@link #used} or an earlier one:
 * its head (the fields after its id, through its isolation) and its findings, each as the bytes written and the
 * values they were written from. A later document hands those bytes back to the generator while the values
 * are equal. Raw bytes always follow a field the generator wrote itself (the id, a finding's rule, the first
 * evidence entry) and begin with their comma, so the generator's own bookkeeping of commas stays right.
 */
final class ContainerParts {
    private final ContainerSnapshot head;
    private final Namespaces host;
    private final RawJson headBytes;
    private final FindingParts[] findings;
    volatile long used;

    private ContainerParts(ContainerSnapshot head, Namespaces host, RawJson headBytes, FindingParts[] findings, long used) {
        this.head = head;
        this.host = host;
        this.headBytes = headBytes;
        this.findings = findings;
        this.used = used;
    }

    /**
     * A finding: the bytes of its fields after {@code rule} through {@code fix}, and of each evidence entry
     * after the first (with its comma), with the values they were written from.
     */
    private record FindingParts(Finding finding, RawJson head, RawJson[] entries) {
    }

    /** Writes container {@code c}, copying what {@code was} has that is still the same; returns what to keep. */
    static ContainerParts write(JsonGenerator g, ByteOutput out, ContainerSnapshot c, Namespaces host, ContainerParts was,
                                long document) {
        g.writeStartObject();
        g.writeName(DocumentFields.ID);
        g.writeString(c.id());
        RawJson headBytes;
        ContainerSnapshot head;
        if (was != null && sameHead(was.head, was.host, c, host)) {
            head = was.head;
            headBytes = was.headBytes;
            g.writeRaw(headBytes);
        } else {
            head = c;
            headBytes = capture(g, out, () -> DocumentFields.head(g, c, host));
        }
        FindingParts[] written = figuresAndFindings(g, c, out, was);
        g.writeEndObject();
        if (was != null && was.headBytes == headBytes && Arrays.equals(was.findings, written)) {
            was.used = document;
            return was;
        }
        return new ContainerParts(head, host, headBytes, written, document);
    }

    /**
     * The container's processes, stats and findings; with {@code out} (a document), each finding's parts
     * are kept and those of {@code was} copied where equal; without (a detail view), all are written.
     */
    static FindingParts[] figuresAndFindings(JsonGenerator g, ContainerSnapshot c, ByteOutput out, ContainerParts was) {
        g.writeName(DocumentFields.PROCESSES);
        RecordJson.write(g, c.processes());
        g.writeName(DocumentFields.STATS);
        RecordJson.write(g, c.stats());
        g.writeName(DocumentFields.FINDINGS);
        g.writeStartArray();
        List<Finding> findings = c.findings();
        FindingParts[] written = new FindingParts[findings.size()];
        for (int i = 0; i < findings.size(); i++) {
            Finding f = findings.get(i);
            written[i] = finding(g, out, f, was == null ? null : was.sameRule(f.rule()));
        }
        g.writeEndArray();
        return written;
    }

    private static FindingParts finding(JsonGenerator g, ByteOutput out, Finding f, FindingParts was) {
        g.writeStartObject();
        g.writeName(DocumentFields.RULE);
        g.writeString(f.rule());
        RawJson head = null;
        if (was != null && f.severity() == was.finding.severity() && Objects.equals(f.message(), was.finding.message())
                && Objects.equals(f.fix(), was.finding.fix())) {
            head = was.head;
            g.writeRaw(head);
        } else if (out != null) {
            head = capture(g, out, () -> findingHead(g, f));
        } else {
            findingHead(g, f);
        }
        g.writeName(DocumentFields.EVIDENCE);
        g.writeStartObject();
        Evidence evidence = Evidence.copyOf(f.evidence());
        int n = evidence.size();
        RawJson[] entries = new RawJson[n];
        Evidence before = was == null ? null : Evidence.copyOf(was.finding.evidence());
        for (int k = 0; k < n; k++) {
            String key = evidence.key(k);
            Object value = evidence.value(k);
            if (k > 0 && before != null && k < before.size() && key.equals(before.key(k))
                    && Objects.equals(value, before.value(k)) && was.entries[k] != null) {
                entries[k] = was.entries[k];
                g.writeRaw(entries[k]);
            } else if (k > 0 && out != null) {
                entries[k] = capture(g, out, () -> entry(g, key, value));
            } else {
                entry(g, key, value);
            }
        }
        g.writeEndObject();
        g.writeEndObject();
        return out == null ? null : new FindingParts(f, head, entries);
    }

    private static void findingHead(JsonGenerator g, Finding f) {
        g.writeName(DocumentFields.SEVERITY);
        g.writeString(f.severity().label());
        g.writeName(DocumentFields.MESSAGE);
        g.writeString(f.message());
        g.writeName(DocumentFields.FIX);
        g.writeString(f.fix());
    }

    private static void entry(JsonGenerator g, String key, Object value) {
        g.writeName(key);
        RecordJson.write(g, value);
    }

    /** The bytes {@code write} makes the generator produce (flushed on both sides so they are all in {@code out}). */
    private static RawJson capture(JsonGenerator g, ByteOutput out, Runnable write) {
        g.flush();
        int from = out.length();
        write.run();
        g.flush();
        return new RawJson(Arrays.copyOfRange(out.array(), from, out.length()));
    }

    /** The finding of the same rule (a container has one of each rule at most). */
    private FindingParts sameRule(String rule) {
        for (FindingParts f : findings) {
            if (f != null && f.finding.rule().equals(rule)) {
                return f;
            }
        }
        return null;
    }

    /** Whether a container's head would be written from the same values as before. */
    private static boolean sameHead(ContainerSnapshot was, Namespaces wasHost, ContainerSnapshot c, Namespaces host) {
        return was.runtime() == c.runtime() && Objects.equals(was.name(), c.name()) && Objects.equals(was.image(), c.image())
                && Objects.equals(was.kubernetes(), c.kubernetes()) && Objects.equals(was.cgroupPath(), c.cgroupPath())
                && Objects.equals(was.namespaces(), c.namespaces()) && Objects.equals(wasHost, host)
                && Objects.equals(was.pid1(), c.pid1()) && Objects.equals(was.startedAt(), c.startedAt())
                && was.restarts() == c.restarts() && Objects.equals(was.isolation(), c.isolation());
    }
}
