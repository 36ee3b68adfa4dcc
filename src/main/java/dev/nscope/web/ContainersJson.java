package dev.nscope.web;

import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.ScanSnapshot;
import dev.nscope.text.ByteOutput;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The contract's document ({@link DocumentFields}) through a Jackson generator, written a container at a
 * time as it is read, with what has not changed since the last document copied from the bytes written
 * then ({@link ContainerParts}).
 * <p>
 * Most of a document does not change from one scan to the next: a container's identity, cgroup, namespaces
 * and PID 1, and its findings, whose evidence changes only in a few entries (the count of looks). So
 * those are kept as bytes, with the values they were written from, and handed back to the generator as raw
 * JSON while the values are equal; the figures (processes, stats) are written afresh. No whole document is
 * ever held: a stream writes into one small buffer that the reader drains.
 */
public final class ContainersJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    /** The parts of the containers written lately, by id; any thread's document may use and replace them. */
    private final Map<String, ContainerParts> parts = new ConcurrentHashMap<>();
    private final AtomicLong documents = new AtomicLong();

    /** The document of {@code s}, UTF-8, written as it is read. */
    public InputStream document(ScanSnapshot s) {
        return new DocumentStream(s, documents.incrementAndGet());
    }

    /** The whole document of {@code s} (the scan command, tests). */
    public byte[] bytes(ScanSnapshot s) {
        try (InputStream in = document(s)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One container with its process list: {@code /actuator/containers/{id}}. Written whole, nothing kept. */
    public static byte[] detail(ScanSnapshot s, ContainerSnapshot c, boolean commandLines) {
        ByteOutput out = new ByteOutput(8 * 1024);
        try (JsonGenerator g = FACTORY.createGenerator(stream(out))) {
            g.writeStartObject();
            g.writeName(DocumentFields.ID);
            g.writeString(c.id());
            DocumentFields.head(g, c, s.node().hostNamespaces());
            ContainerParts.figuresAndFindings(g, c, null, null);
            g.writeName(DocumentFields.PROCESS_LIST);
            DocumentFields.processList(g, c.processList(), commandLines);
            g.writeEndObject();
        }
        return java.util.Arrays.copyOf(out.array(), out.length());
    }

    /** How many containers' parts are kept (those of the last two documents at most). */
    int remembered() {
        return parts.size();
    }

    static OutputStream stream(ByteOutput out) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                out.put((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                out.put(b, off, len);
            }
        };
    }

    /** Writes one piece at a time into one buffer: the node, then each container, then the end. */
    private final class DocumentStream extends InputStream {
        private final ScanSnapshot s;
        private final long number;
        private final ByteOutput out = new ByteOutput(16 * 1024);
        private final JsonGenerator g = FACTORY.createGenerator(stream(out));
        private int next = -1;
        private int at;

        DocumentStream(ScanSnapshot s, long number) {
            this.s = s;
            this.number = number;
        }

        /** Writes the next piece; false at the end. */
        private boolean more() {
            int n = s.containers().size();
            if (next > n) {
                return false;
            }
            out.reset();
            at = 0;
            if (next < 0) {
                g.writeStartObject();
                g.writeName(DocumentFields.NODE);
                DocumentFields.node(g, s.node());
                g.writeName(DocumentFields.CONTAINERS);
                g.writeStartArray();
            } else if (next < n) {
                ContainerSnapshot c = s.containers().get(next);
                ContainerParts was = parts.get(c.id());
                ContainerParts now = ContainerParts.write(g, out, c, s.node().hostNamespaces(), was, number);
                if (now != was) {
                    parts.put(c.id(), now);
                }
            } else {
                g.writeEndArray();
                g.writeEndObject();
                // the parts of containers gone since the document before this one are of no more use
                parts.values().removeIf(p -> p.used < number - 1);
            }
            g.flush();
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
            int k = Math.min(len, out.length() - at);
            System.arraycopy(out.array(), at, b, off, k);
            at += k;
            return k;
        }
    }
}
