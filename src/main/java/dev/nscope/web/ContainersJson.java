package dev.nscope.web;

import dev.nscope.proc.Namespaces;
import dev.nscope.rules.Evidence;
import dev.nscope.rules.Finding;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.text.ByteOutput;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The contract's document ({@link ContainersDocument}) as the bytes the agent's Jackson mapper writes
 * (a test holds the two side by side), written a container at a time as it is read, and with what has
 * not changed since the last document copied from the bytes written then.
 * <p>
 * At 1,000 sandboxes the document is 3.6 MB, and the mapper took 21 to 40 ms and 10.6 MB of a request
 * under the chart's C1-only JIT. Of the 3.6 MB, 2.1 MB are findings, which change from one scan to the
 * next only in their {@code looks}; 0.8 MB are stats; 0.4 MB namespaces, which rarely change. So each
 * container's head (identity through PID 1) and each finding's head and evidence entries are kept as
 * bytes, with the values they were written from, and copied when the values are equal again; the
 * figures (processes, stats) are written afresh. No whole document is ever held: a stream reuses one small buffer.
 */
public final class ContainersJson {
    private final JsonMapper mapper;
    /** The parts of the containers written lately, by id; any thread's document may use and replace them. */
    private final Map<String, ContainerParts> parts = new ConcurrentHashMap<>();
    private final AtomicLong documents = new AtomicLong();

    /**
     * A container's head ({@code {"id":} through its PID 1) and findings, written by document
     * {@code used} or an earlier one.
     */
    private static final class ContainerParts {
        final Object[] headValues;
        final byte[] head;
        final FindingParts[] findings;
        volatile long used;

        ContainerParts(Object[] headValues, byte[] head, FindingParts[] findings, long used) {
            this.headValues = headValues;
            this.head = head;
            this.findings = findings;
            this.used = used;
        }

        /** The finding of the same rule (a container has one of each rule at most). */
        FindingParts sameRule(String rule) {
            for (FindingParts f : findings) {
                if (f != null && Objects.equals(f.headValues[0], rule)) {
                    return f;
                }
            }
            return null;
        }
    }

    /**
     * A finding: {@code head} from {@code {"rule":} through the evidence's opening brace, then its
     * evidence entries ({@code "key":value}, comma-separated): entry {@code i} starts at {@code starts[i]}
     * of {@code entries} and ends one byte before {@code starts[i + 1]}.
     */
    private record FindingParts(Object[] headValues, byte[] head, String[] keys, Object[] values, byte[] entries, int[] starts) {
    }

    public ContainersJson(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The document of {@code s}, UTF-8, written as it is read. */
    public InputStream document(ScanSnapshot s) {
        return new DocumentStream(s, documents.incrementAndGet());
    }

    /** How many containers' parts are kept (those of the last two documents at most). */
    int remembered() {
        return parts.size();
    }

    /** The whole document of {@code s} (the scan command, tests). */
    public byte[] bytes(ScanSnapshot s) {
        try (InputStream in = document(s)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes one piece at a time into one buffer: the node, then each container, then the end. */
    private final class DocumentStream extends InputStream {
        private final ScanSnapshot s;
        private final long number;
        private final ByteOutput out = new ByteOutput(16 * 1024);
        private final JsonWriter w = new JsonWriter(out, mapper::writeValueAsBytes);
        private int next = -1;
        private int at;

        DocumentStream(ScanSnapshot s, long number) {
            this.s = s;
            this.number = number;
        }

        /** Writes the next piece; false at the end. */
        private boolean more() {
            List<ContainerSnapshot> containers = s.containers();
            if (next > containers.size()) {
                return false;
            }
            out.reset();
            at = 0;
            if (next < 0) {
                w.name(ContainersDocument.class, 0).value(ContainersDocument.node(s)).name(ContainersDocument.class, 1).put((byte) '[');
            } else if (next < containers.size()) {
                if (next > 0) {
                    w.put((byte) ',');
                }
                container(containers.get(next));
            } else {
                w.put((byte) ']').put((byte) '}');
                // the parts of containers gone since the document before this one are of no more use
                parts.values().removeIf(p -> p.used < number - 1);
            }
            next++;
            return true;
        }

        @Override
        public int read() {
            while (at == out.length()) {
                if (!more()) {
                    return -1;
                }
            }
            return out.array()[at++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            while (at == out.length()) {
                if (!more()) {
                    return -1;
                }
            }
            int n = Math.min(len, out.length() - at);
            System.arraycopy(out.array(), at, b, off, n);
            at += n;
            return n;
        }

        private void container(ContainerSnapshot c) {
            Namespaces host = s.node().hostNamespaces();
            ContainerParts was = parts.get(c.id());
            Object[] headValues;
            byte[] head;
            if (was != null && sameHead(was.headValues, c, host)) {
                headValues = was.headValues;
                head = was.head;
                w.copy(head);
            } else {
                headValues = new Object[] {c.id(), c.runtime(), c.name(), c.image(), c.kubernetes(), c.cgroupPath(), c.namespaces(),
                        host, c.pid1()};
                ContainersDocument.Container v = ContainersDocument.container(c, host);
                Object[] components = {v.id(), v.runtime(), v.name(), v.image(), v.kubernetes(), v.cgroupPath(), v.namespaces(), v.pid1()};
                int from = w.position();
                for (int i = 0; i < components.length; i++) {
                    w.name(ContainersDocument.Container.class, i).value(components[i]);
                }
                head = w.since(from);
            }
            w.name(ContainersDocument.Container.class, 8).value(c.processes());
            w.name(ContainersDocument.Container.class, 9).value(c.stats());
            w.name(ContainersDocument.Container.class, 10).put((byte) '[');
            List<Finding> findings = c.findings();
            FindingParts[] written = new FindingParts[findings.size()];
            for (int i = 0; i < findings.size(); i++) {
                if (i > 0) {
                    w.put((byte) ',');
                }
                Finding f = findings.get(i);
                written[i] = finding(f, was == null ? null : was.sameRule(f.rule()));
            }
            w.put((byte) ']').put((byte) '}');
            if (was != null && was.head == head && Arrays.equals(was.findings, written)) {
                was.used = number;
            } else {
                parts.put(c.id(), new ContainerParts(headValues, head, written, number));
            }
        }

        /** Whether a container's head would be written from the same values as before (compared without a new array). */
        private static boolean sameHead(Object[] was, ContainerSnapshot c, Namespaces host) {
            return was[0].equals(c.id()) && was[1] == c.runtime() && Objects.equals(was[2], c.name())
                    && Objects.equals(was[3], c.image()) && Objects.equals(was[4], c.kubernetes())
                    && Objects.equals(was[5], c.cgroupPath()) && Objects.equals(was[6], c.namespaces())
                    && Objects.equals(was[7], host) && Objects.equals(was[8], c.pid1());
        }

        private FindingParts finding(Finding f, FindingParts was) {
            Object[] headValues;
            byte[] head;
            if (was != null && Objects.equals(f.rule(), was.headValues()[0]) && f.severity() == was.headValues()[1]
                    && Objects.equals(f.message(), was.headValues()[2]) && Objects.equals(f.fix(), was.headValues()[3])) {
                headValues = was.headValues();
                head = was.head();
                w.copy(head);
            } else {
                headValues = new Object[] {f.rule(), f.severity(), f.message(), f.fix()};
                ContainersDocument.FindingView v = ContainersDocument.FindingView.of(f);
                int from = w.position();
                w.name(ContainersDocument.FindingView.class, 0).value(v.rule())
                        .name(ContainersDocument.FindingView.class, 1).value(v.severity())
                        .name(ContainersDocument.FindingView.class, 2).value(v.message())
                        .name(ContainersDocument.FindingView.class, 3).value(v.fix())
                        .name(ContainersDocument.FindingView.class, 4).put((byte) '{');
                head = w.since(from);
            }
            Evidence evidence = Evidence.copyOf(f.evidence());
            int n = evidence.size();
            boolean same = was != null && was.keys().length == n;
            for (int i = 0; same && i < n; i++) {
                same = evidence.key(i).equals(was.keys()[i]) && Objects.equals(evidence.value(i), was.values()[i]);
            }
            FindingParts parts;
            if (same) {
                w.copy(was.entries());
                parts = head == was.head() ? was : new FindingParts(headValues, head, was.keys(), was.values(), was.entries(), was.starts());
            } else {
                String[] keys = new String[n];
                Object[] values = new Object[n];
                for (int i = 0; i < n; i++) {
                    keys[i] = evidence.key(i);
                    values[i] = evidence.value(i);
                }
                // entries equal to the last document's are copied from its bytes, the others written
                int from = w.position();
                int[] starts = new int[n + 1];
                for (int k = 0; k < n; k++) {
                    if (k > 0) {
                        w.put((byte) ',');
                    }
                    starts[k] = w.position() - from;
                    int before = was == null || k >= was.keys().length || !keys[k].equals(was.keys()[k]) ? -1 : k;
                    if (before >= 0 && Objects.equals(values[k], was.values()[before])) {
                        w.copy(was.entries(), was.starts()[before], was.starts()[before + 1] - 1 - was.starts()[before]);
                    } else {
                        w.value(keys[k]).put((byte) ':').value(values[k]);
                    }
                }
                starts[n] = w.position() - from + 1;
                parts = new FindingParts(headValues, head, keys, values, w.since(from), starts);
            }
            w.put((byte) '}').put((byte) '}');
            return parts;
        }
    }
}
