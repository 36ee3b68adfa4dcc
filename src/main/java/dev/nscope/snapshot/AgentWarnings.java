package dev.nscope.snapshot;

import dev.nscope.scan.ScanSnapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * What the agent warns of about itself, as opposed to what the scanner could not read: a served TLS
 * certificate that has expired, a heap near its limit. Each source answers with its warning while the
 * condition lasts (null otherwise) and is asked at every publish: {@link ScanService} adds the answers after
 * the scanner's own warnings in {@code node.warnings} of each published snapshot, so the document, the
 * {@code nscope_warnings} gauge and the page show them like the others. Each source logs its own line when
 * its condition starts.
 */
public final class AgentWarnings {
    private final List<Supplier<String>> sources = new CopyOnWriteArrayList<>();

    public void add(Supplier<String> source) {
        sources.add(source);
    }

    /** The sources' warnings now, in the order the sources were added. */
    public List<String> current() {
        List<String> out = new ArrayList<>(2);
        for (Supplier<String> s : sources) {
            String w;
            try {
                w = s.get();
            } catch (RuntimeException e) {
                w = null;
            }
            if (w != null) {
                out.add(w);
            }
        }
        return out;
    }

    /** {@code s} with the current warnings after its own; {@code s} itself when there are none. */
    public ScanSnapshot addTo(ScanSnapshot s) {
        List<String> extra = current();
        if (extra.isEmpty()) {
            return s;
        }
        List<String> all = new ArrayList<>(s.node().warnings());
        all.addAll(extra);
        return new ScanSnapshot(s.node().withWarnings(all), s.containers());
    }
}
