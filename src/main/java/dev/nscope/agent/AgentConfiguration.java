package dev.nscope.agent;

import dev.nscope.events.EventRing;
import dev.nscope.scan.Scanner;
import dev.nscope.settings.NscopeProperties;
import dev.nscope.settings.ScanSettings;
import dev.nscope.snapshot.AgentWarnings;
import dev.nscope.snapshot.HistoryStore;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import dev.nscope.web.ContainersEndpoint;
import dev.nscope.web.ContainersJson;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;

/** Wires the core into Spring: one scanner, one snapshot store, and (in agent mode) the scheduler. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NscopeProperties.class)
public class AgentConfiguration {

    /** Lazy: the CLI validates its options first and then asks for it. */
    @Bean
    @Lazy
    Scanner scanner(NscopeProperties properties) {
        return ScanSettings.scanner(properties);
    }

    @Bean
    SnapshotStore snapshotStore() {
        return new SnapshotStore();
    }

    /** The agent's own warnings (an expired certificate, a heap near its limit), added to each snapshot's node.warnings. */
    @Bean
    AgentWarnings agentWarnings() {
        return new AgentWarnings();
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnWebApplication
    HeapWatch heapWatch(AgentWarnings warnings) {
        HeapWatch w = HeapWatch.start();
        warnings.add(w);
        return w;
    }

    @Bean
    @ConditionalOnWebApplication
    ScanService scanService(Scanner scanner, SnapshotStore store, NscopeProperties properties, AgentWarnings warnings) {
        return new ScanService(scanner, store, properties.scanInterval(), warnings);
    }

    /** The share of the heap the web page's history may take at most. */
    static final int HISTORY_HEAP_SHARE = 8;

    /** The per-container history of the web page's charts, fed by every published snapshot, within 1/8 of the heap. */
    @Bean
    @ConditionalOnWebApplication
    HistoryStore historyStore(SnapshotStore store, NscopeProperties properties) {
        HistoryStore history = new HistoryStore(properties.history().points(), Runtime.getRuntime().maxMemory() / HISTORY_HEAP_SHARE);
        store.onPublish(history::record);
        return history;
    }

    @Bean
    @ConditionalOnWebApplication
    ContainersEndpoint containersEndpoint(SnapshotStore store, HistoryStore history, NscopeProperties properties, EventRing events) {
        return new ContainersEndpoint(store, history, properties.scanInterval(), properties.web().commandLines(),
                new ContainersJson(), events);
    }

    @Bean
    @ConditionalOnWebApplication
    ScannerHealthIndicator scannerHealthIndicator(ScanService service, SnapshotStore store) {
        return new ScannerHealthIndicator(service, store);
    }
}
