package dev.nscope.agent;

import com.sun.management.GarbageCollectionNotificationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Warns when the agent nears its heap limit: when the heap still in use after a garbage collection is above
 * {@link #THRESHOLD} of the maximum, the live data is close to what the JVM may hold, and the next growth ends
 * in back-to-back collections or an OutOfMemoryError. What a minor collection leaves may include old garbage
 * not yet collected, so the warning starts after a major collection above the threshold, or after
 * {@link #MINOR_LOOKS} collections in a row above it; it ends at the first collection below. One log line
 * when it starts and one when it ends; while it lasts it is an entry of {@code node.warnings} (this is a
 * source of {@link dev.nscope.snapshot.AgentWarnings}).
 */
public final class HeapWatch implements NotificationListener, Supplier<String>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeapWatch.class);
    static final double THRESHOLD = 0.85;
    static final int MINOR_LOOKS = 3;

    private final long max;
    private final Set<String> heapPools;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private int above;
    private volatile String warning;

    HeapWatch(long max, Set<String> heapPools) {
        this.max = max;
        this.heapPools = heapPools;
    }

    /** A watch of this JVM's heap, listening to its collectors' notifications until closed. */
    public static HeapWatch start() {
        long max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
        HeapWatch w = new HeapWatch(max > 0 ? max : Runtime.getRuntime().maxMemory(), ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName).collect(Collectors.toUnmodifiableSet()));
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter e) {
                e.addNotificationListener(w, null, null);
                w.emitters.add(e);
            }
        }
        return w;
    }

    @Override
    public void handleNotification(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        observe(info.getGcAction().contains("major"), used);
    }

    /** One collection: whether it was a major one, and the heap in use after it. */
    synchronized void observe(boolean major, long usedAfter) {
        double share = (double) usedAfter / max;
        if (share <= THRESHOLD) {
            above = 0;
            if (warning != null) {
                warning = null;
                log.info("heap back to {} in use after a collection", percent(share));
            }
            return;
        }
        above++;
        if (warning != null || major || above >= MINOR_LOOKS) {
            String text = String.format(Locale.ROOT, "heap near its limit: %d MiB of %d MiB (%s) in use after a garbage collection; "
                    + "raise the heap (-Xmx, or the memory of the container, which sizes it)", usedAfter >> 20, max >> 20,
                    percent(share));
            if (warning == null) {
                log.warn("{}", text);
            }
            warning = text;
        }
    }

    private static String percent(double share) {
        return Math.round(share * 100) + " %";
    }

    /** The warning while the heap is near its limit, else null. */
    @Override
    public String get() {
        return warning;
    }

    @Override
    public void close() {
        for (NotificationEmitter e : emitters) {
            try {
                e.removeNotificationListener(this);
            } catch (ListenerNotFoundException ex) {
                // already gone
            }
        }
        emitters.clear();
    }
}
