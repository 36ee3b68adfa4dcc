package dev.nscope.agent;

import dev.nscope.events.EventPreconditions;
import dev.nscope.events.EventRing;
import dev.nscope.events.NetlinkProcessEvents;
import dev.nscope.events.NoProcessEvents;
import dev.nscope.events.ProcessEventSource;
import dev.nscope.host.HostPaths;
import dev.nscope.lifecycle.Lifecycle;
import dev.nscope.lifecycle.PidExits;
import dev.nscope.scan.Scanner;
import dev.nscope.settings.NscopeProperties;
import dev.nscope.snapshot.AgentWarnings;
import dev.nscope.snapshot.ScanService;
import dev.nscope.snapshot.SnapshotStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The agent's events: the ring served at {@code /actuator/containers/events}, the kernel's process events
 * (the connector where the procfs is the live one, else none), started after the first snapshot is published and
 * closed on shutdown (its thread is a daemon: a stop never waits for it).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication
public class EventsConfiguration {

    @Bean
    EventRing eventRing(NscopeProperties properties) {
        return new EventRing(properties.events().capacity());
    }

    @Bean(destroyMethod = "close")
    ProcessEventSource processEventSource(NscopeProperties properties) {
        if (!properties.events().enabled()) {
            return new NoProcessEvents("turned off (nscope.events.enabled=false)");
        }
        HostPaths paths = new HostPaths(properties.procfs(), properties.sysfs());
        String notLive = EventPreconditions.notLive(paths);
        return notLive != null ? new NoProcessEvents(notLive) : new NetlinkProcessEvents(paths);
    }

    /**
     * What receives the process events and every published snapshot: the container events of the ring, scans asked
     * for when a container may have started or stopped, and the exits that date PID 1's zombies.
     */
    @Bean
    Lifecycle lifecycle(EventRing ring, Scanner scanner, PidExits exits, SnapshotStore store, ScanService scans,
                        NscopeProperties properties) {
        Lifecycle lifecycle = new Lifecycle(ring, scanner.layout(), new HostPaths(properties.procfs(), properties.sysfs()), exits);
        lifecycle.wantScans(scans::requestScan);
        scans.gateRequests(lifecycle::scanDue);
        store.onPublish(lifecycle);
        return lifecycle;
    }

    @Bean
    ProcessEventsStarter processEventsStarter(ProcessEventSource source, Lifecycle listener, SnapshotStore store,
                                              AgentWarnings warnings, NscopeProperties properties) {
        ProcessEventsStarter starter = new ProcessEventsStarter(source, listener, properties.events().enabled());
        warnings.add(starter);
        store.onPublish(starter);
        return starter;
    }
}
