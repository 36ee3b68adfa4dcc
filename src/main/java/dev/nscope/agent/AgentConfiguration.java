package dev.nscope.agent;

import dev.nscope.scan.Scanner;
import dev.nscope.settings.AgentSettings;
import dev.nscope.settings.NscopeProperties;
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
import tools.jackson.databind.json.JsonMapper;

/** Wires the core into Spring: one scanner, one snapshot store, and (in agent mode) the scheduler. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NscopeProperties.class)
public class AgentConfiguration {

    /** Lazy: the CLI validates its options first and then asks for it. */
    @Bean
    @Lazy
    Scanner scanner(NscopeProperties properties) {
        return AgentSettings.scanner(properties);
    }

    @Bean
    SnapshotStore snapshotStore() {
        return new SnapshotStore();
    }

    @Bean
    @ConditionalOnWebApplication
    ScanService scanService(Scanner scanner, SnapshotStore store, NscopeProperties properties) {
        return new ScanService(scanner, store, properties.getScanInterval());
    }

    /** The per-container history of the web page's charts, fed by every published snapshot. */
    @Bean
    @ConditionalOnWebApplication
    HistoryStore historyStore(SnapshotStore store, NscopeProperties properties) {
        HistoryStore history = new HistoryStore(AgentSettings.historyPoints(properties));
        store.onPublish(history::record);
        return history;
    }

    @Bean
    @ConditionalOnWebApplication
    ContainersEndpoint containersEndpoint(SnapshotStore store, HistoryStore history, NscopeProperties properties, JsonMapper json) {
        return new ContainersEndpoint(store, history, properties.getScanInterval(), properties.getWeb().isCommandLines(),
                new ContainersJson(json));
    }

    @Bean
    @ConditionalOnWebApplication
    ScannerHealthIndicator scannerHealthIndicator(ScanService service, SnapshotStore store) {
        return new ScannerHealthIndicator(service, store);
    }
}
