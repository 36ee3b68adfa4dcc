package dev.nscope.web;

import dev.nscope.events.ContainerEvent;
import dev.nscope.text.ByteOutput;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

import java.util.Arrays;
import java.util.List;

/**
 * {@code /actuator/containers/events}: {@code { "events": [ { "seq", "time", "type", "id", "name", "runtime",
 * "kubernetes", "pid1": { "hostPid", "comm" }, "exitCode", "exitSignal", "outcome", "confirms", "lifetimeSeconds" } ] }},
 * oldest first; {@code time} is ISO-8601 (UTC), an unknown value is {@code null}.
 */
final class EventsJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private EventsJson() {
    }

    static byte[] write(List<ContainerEvent> events) {
        ByteOutput out = new ByteOutput(256 + 512 * events.size());
        try (JsonGenerator g = FACTORY.createGenerator(ContainersJson.stream(out))) {
            g.writeStartObject();
            g.writeName("events");
            g.writeStartArray();
            for (ContainerEvent e : events) {
                g.writeStartObject();
                g.writeName("seq");
                g.writeNumber(e.seq());
                g.writeName("time");
                RecordJson.write(g, e.time() == null ? null : e.time().toString());
                g.writeName("type");
                g.writeString(e.type());
                g.writeName("id");
                g.writeString(e.id());
                g.writeName("name");
                RecordJson.write(g, e.name());
                g.writeName("runtime");
                RecordJson.write(g, e.runtime());
                g.writeName("kubernetes");
                RecordJson.write(g, e.kubernetes());
                g.writeName("pid1");
                RecordJson.write(g, e.pid1());
                g.writeName("exitCode");
                RecordJson.write(g, e.exitCode());
                g.writeName("exitSignal");
                RecordJson.write(g, e.exitSignal());
                g.writeName("outcome");
                RecordJson.write(g, e.outcome());
                g.writeName("confirms");
                RecordJson.write(g, e.confirms());
                g.writeName("lifetimeSeconds");
                RecordJson.write(g, e.lifetimeSeconds());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        return Arrays.copyOf(out.array(), out.length());
    }
}
