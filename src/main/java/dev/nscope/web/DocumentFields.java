package dev.nscope.web;

import dev.nscope.host.ErrorCounts;
import dev.nscope.proc.NamespaceType;
import dev.nscope.proc.Namespaces;
import dev.nscope.scan.ContainerSnapshot;
import dev.nscope.scan.NodeFacts;
import dev.nscope.scan.NodeInfo;
import dev.nscope.scan.ProcessEntry;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.io.SerializedString;

import java.util.List;

/**
 * The contract's document ({@code /actuator/containers}, {@code scan --format=json}, the detail view) field
 * by field, in the contract's order: the node, a container's parts, a process. A container is one record,
 * {@link ContainerSnapshot}, from the scan to these bytes; the detail view is it plus {@code processList}.
 */
final class DocumentFields {
    static final SerializableString NODE = name("node");
    static final SerializableString CONTAINERS = name("containers");
    static final SerializableString ID = name("id");
    static final SerializableString RUNTIME = name("runtime");
    static final SerializableString NAME = name("name");
    static final SerializableString IMAGE = name("image");
    static final SerializableString KUBERNETES = name("kubernetes");
    static final SerializableString CGROUP_PATH = name("cgroupPath");
    static final SerializableString NAMESPACES = name("namespaces");
    static final SerializableString PID1 = name("pid1");
    static final SerializableString STARTED_AT = name("startedAt");
    static final SerializableString RESTARTS = name("restarts");
    static final SerializableString ISOLATION = name("isolation");
    static final SerializableString PROCESSES = name("processes");
    static final SerializableString STATS = name("stats");
    static final SerializableString FINDINGS = name("findings");
    static final SerializableString PROCESS_LIST = name("processList");
    static final SerializableString RULE = name("rule");
    static final SerializableString SEVERITY = name("severity");
    static final SerializableString MESSAGE = name("message");
    static final SerializableString FIX = name("fix");
    static final SerializableString EVIDENCE = name("evidence");
    private static final SerializableString INODE = name("inode");
    private static final SerializableString SHARED = name("sharedWithHost");
    private static final SerializableString[] NS_NAMES = new SerializableString[NamespaceType.all().length];

    static {
        for (NamespaceType t : NamespaceType.all()) {
            NS_NAMES[t.ordinal()] = name(t.link());
        }
    }

    private DocumentFields() {
    }

    private static SerializableString name(String s) {
        return new SerializedString(s);
    }

    static void node(JsonGenerator g, NodeInfo n) {
        NodeFacts f = n.facts();
        g.writeStartObject();
        g.writeStringProperty("hostname", n.hostname());
        g.writeStringProperty("kernel", n.kernel());
        g.writeStringProperty("os", f.os());
        g.writeName("memoryBytes");
        RecordJson.write(g, f.memoryBytes());
        g.writeName("logicalCpus");
        RecordJson.write(g, f.logicalCpus());
        g.writeStringProperty("bootTime", f.bootTime() == null ? null : f.bootTime().toString());
        g.writeStringProperty("cgroupVersion", n.cgroupVersion().label());
        g.writeStringProperty("scannedAt", n.scannedAt().toString());
        g.writeNumberProperty("scanMillis", n.scanMillis());
        g.writeNumberProperty("processes", n.processes());
        g.writeName("hostNamespaces");
        g.writeStartObject();
        for (NamespaceType t : NamespaceType.all()) {
            g.writeName(NS_NAMES[t.ordinal()]);
            RecordJson.write(g, n.hostNamespaces().known(t) ? n.hostNamespaces().get(t) : null);
        }
        g.writeEndObject();
        g.writeName("scanErrors");
        RecordJson.write(g, ErrorCounts.byLabel(n.scanErrors()));
        g.writeName("warnings");
        RecordJson.write(g, n.warnings());
        g.writeEndObject();
    }

    /** The fields of a container after its id, through its isolation (what rarely changes from one scan to the next). */
    static void head(JsonGenerator g, ContainerSnapshot c, Namespaces host) {
        g.writeName(RUNTIME);
        g.writeString(c.runtime().label());
        g.writeName(NAME);
        g.writeString(c.name());
        g.writeName(IMAGE);
        g.writeString(c.image());
        g.writeName(KUBERNETES);
        RecordJson.write(g, c.kubernetes());
        g.writeName(CGROUP_PATH);
        g.writeString(c.cgroupPath());
        g.writeName(NAMESPACES);
        namespaces(g, c.namespaces(), host);
        g.writeName(PID1);
        RecordJson.write(g, c.pid1());
        g.writeName(STARTED_AT);
        g.writeString(c.startedAt() == null ? null : c.startedAt().toString());
        g.writeName(RESTARTS);
        g.writeNumber(c.restarts());
        g.writeName(ISOLATION);
        RecordJson.write(g, c.isolation());
    }

    /** Each type's inode (null when unknown) and whether the host has the same one (null when either is unknown). */
    private static void namespaces(JsonGenerator g, Namespaces ns, Namespaces host) {
        g.writeStartObject();
        for (NamespaceType t : NamespaceType.all()) {
            g.writeName(NS_NAMES[t.ordinal()]);
            g.writeStartObject();
            g.writeName(INODE);
            if (ns.known(t)) {
                g.writeNumber(ns.get(t));
            } else {
                g.writeNull();
            }
            g.writeName(SHARED);
            if (ns.known(t) && host.known(t)) {
                g.writeBoolean(ns.get(t) == host.get(t));
            } else {
                g.writeNull();
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /**
     * The process list of the detail view; {@code cmdline} only while {@code nscope.web.command-lines} is
     * on (then null where it could not be read).
     */
    static void processList(JsonGenerator g, List<ProcessEntry> list, boolean commandLines) {
        g.writeStartArray();
        for (ProcessEntry p : list) {
            g.writeStartObject();
            g.writeNumberProperty("pid", p.pid());
            g.writeNumberProperty("nsPid", p.nsPid());
            g.writeNumberProperty("ppid", p.ppid());
            g.writeStringProperty("state", String.valueOf(p.state()));
            g.writeStringProperty("comm", p.comm());
            g.writeNumberProperty("threads", p.threads());
            if (commandLines) {
                g.writeName("cmdline");
                RecordJson.write(g, p.cmdline());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
