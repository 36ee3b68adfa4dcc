package dev.nscope.events;

import dev.nscope.host.HostPaths;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernel's process events connector ({@code NETLINK_CONNECTOR}, group {@code CN_IDX_PROC}): forks, execs and
 * exits with their wait status, as they happen, for every process of the node. Needs the initial pid and user
 * namespaces ({@link EventPreconditions}) and, before Linux 6.6, CAP_NET_ADMIN (to bind to the group and to
 * subscribe; 6.6 opened both to any process of those namespaces); where any is missing, or the kernel lacks the
 * connector ({@code EPROTONOSUPPORT}), the state is {@link State#UNAVAILABLE} with the reason, and nothing else
 * changes.
 *
 * <p>One daemon thread receives: a blocking receive (woken every {@link NetlinkSocket#TIMEOUT_MILLIS} to see a
 * stop), then up to {@link #BATCH} more without waiting, handed to the listener as one batch. While events keep
 * coming (a batch within {@link #COALESCE_NANOS} of the one before) it pauses that long after a batch that emptied
 * the socket: in an exec storm a wake-up takes many events, not one (the kernel wakes a receiver at every message);
 * an event after a quiet spell (a PID 1's exit, whose OOM count must be read before its cgroup goes) is handed on
 * at once. Nothing is queued in the JVM: the only buffer is the socket's, of a fixed size; when the listener falls
 * behind the kernel drops messages, the receive answers {@code ENOBUFS}, and the listener's
 * {@link ProcessEventListener#overflow()} is called (the consumer rescans). What was dropped is counted exactly from the per-CPU sequence numbers
 * ({@link SequenceGaps}). No file is read per event.
 *
 * <p>{@link #close()} unsubscribes ({@code PROC_CN_MCAST_IGNORE}: the kernel counts listeners and sends events
 * while any is left) and lets the thread close the socket, waiting for it at most {@link #STOP_WAIT_MILLIS}.
 */
public final class NetlinkProcessEvents implements ProcessEventSource {
    /** Asked of the kernel, which doubles it: about 2 s of a 10,000-execs-a-second storm. */
    public static final int DEFAULT_RECEIVE_BUFFER = 4 << 20;
    static final int BATCH = 256;
    /** The pause after a batch that emptied the socket, in a stream of events: how late one may be handed on then. */
    static final long COALESCE_NANOS = 20_000_000L;
    static final long STOP_WAIT_MILLIS = NetlinkSocket.TIMEOUT_MILLIS + 300;
    /** How long the kernel may take to acknowledge the subscription (it answers within the send, in practice). */
    static final long ACK_WAIT_NANOS = 5_000_000_000L;

    private final HostPaths paths;
    private final int receiveBuffer;
    private final AtomicLong missed = new AtomicLong();
    private final AtomicLong overflows = new AtomicLong();
    private final AtomicLong received = new AtomicLong();
    private final SequenceGaps gaps = new SequenceGaps();
    private final int nonce = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE - 1);
    private volatile State state = State.STARTING;
    private volatile String reason;
    private volatile boolean stopping;
    private boolean started;
    /** The kernel counted this socket as a listener; guarded by this (see {@link #unsubscribe}). */
    private boolean subscribed;
    private NetlinkSocket socket;
    private Thread thread;

    public NetlinkProcessEvents(HostPaths paths) {
        this(paths, DEFAULT_RECEIVE_BUFFER);
    }

    /** @param receiveBuffer the socket's receive buffer to ask for, in bytes (tests make it small to overflow it) */
    public NetlinkProcessEvents(HostPaths paths, int receiveBuffer) {
        this.paths = paths;
        this.receiveBuffer = receiveBuffer;
    }

    @Override
    public synchronized void start(ProcessEventListener listener) {
        if (started || stopping) {
            return;
        }
        started = true;
        String why = NetlinkSocket.UNSUPPORTED != null ? NetlinkSocket.UNSUPPORTED : EventPreconditions.notInInitialNamespaces(paths);
        if (why != null) {
            unavailable(why);
            return;
        }
        try {
            socket = NetlinkSocket.open(receiveBuffer);
            socket.send(ProcEventMessage.control(ProcEventMessage.MCAST_LISTEN, nonce, nonce, 0));
            // the kernel handles the request within send(): from here it counts this socket as a listener
            subscribed = true;
        } catch (NetlinkSocket.NetlinkException e) {
            if (socket != null) {
                socket.close();
                socket = null;
            }
            unavailable(e.reason());
            return;
        }
        NetlinkSocket s = socket;
        thread = new Thread(() -> receive(s, listener), "nscope-process-events");
        thread.setDaemon(true);
        thread.start();
    }

    private void receive(NetlinkSocket s, ProcessEventListener listener) {
        ByteBuffer view = ByteBuffer.wrap(s.bytes()).order(ByteOrder.nativeOrder());
        List<ProcessEvent> batch = new ArrayList<>();
        long since = System.nanoTime();
        long lastBatch = since - 2 * COALESCE_NANOS;
        try {
            while (!stopping) {
                int n = s.receive(true);
                if (n < 0) {
                    if (!handleError(-n, listener)) {
                        return;
                    }
                    if (state == State.STARTING && System.nanoTime() - since > ACK_WAIT_NANOS) {
                        unavailable("the kernel did not answer the subscription to process events");
                        return;
                    }
                    continue;
                }
                take(view, n, batch);
                boolean emptied = false;
                for (int i = 1; i < BATCH && !stopping; i++) {
                    n = s.receive(false);
                    if (n < 0) {
                        if (n == -NetlinkSocket.ENOBUFS) {
                            batch = deliver(listener, batch);
                            handleError(NetlinkSocket.ENOBUFS, listener);
                        }
                        emptied = n == -NetlinkSocket.EAGAIN;
                        break;
                    }
                    take(view, n, batch);
                }
                batch = deliver(listener, batch);
                long now = System.nanoTime();
                if (emptied && now - lastBatch < COALESCE_NANOS && state != State.STARTING && !stopping) {
                    LockSupport.parkNanos(COALESCE_NANOS);
                    now = System.nanoTime();
                }
                lastBatch = now;
            }
        } finally {
            synchronized (this) {
                unsubscribe();
                s.close();
            }
        }
    }

    /**
     * Tells the kernel this socket no longer listens, once, and only if it was counted: kernels before 6.6 take
     * one from their count of listeners at every {@code IGNORE}, and send events to all while it is above 0.
     */
    private void unsubscribe() {
        if (subscribed && socket != null) {
            subscribed = false;
            try {
                socket.send(ProcEventMessage.control(ProcEventMessage.MCAST_IGNORE, nonce, nonce, 0));
            } catch (NetlinkSocket.NetlinkException e) {
                // the socket is closed next anyway
            }
        }
    }

    /** Whether to go on after the receive failed with {@code errno}. */
    private boolean handleError(int errno, ProcessEventListener listener) {
        switch (errno) {
            case NetlinkSocket.EAGAIN, NetlinkSocket.EINTR -> {
                return true;
            }
            case NetlinkSocket.ENOBUFS -> {
                overflows.incrementAndGet();
                listener.overflow();
                return true;
            }
            default -> {
                if (!stopping) {
                    unavailable("receiving process events failed (errno " + errno + ")");
                }
                return false;
            }
        }
    }

    private void take(ByteBuffer view, int length, List<ProcessEvent> batch) {
        long nanos = System.nanoTime();
        view.limit(length).position(0);
        while (view.hasRemaining()) {
            ProcEventMessage m = ProcEventMessage.parse(view, nanos);
            if (m == null) {
                continue;
            }
            // every message a CPU sends is numbered, acknowledgements included
            long lost = gaps.missed(m.cpu(), m.seq());
            if (lost > 0) {
                missed.addAndGet(lost);
            }
            if (m.isAck()) {
                if (m.ack() == ((nonce + 1) & 0xffffffffL)) {
                    if (m.error() == 0) {
                        listening();
                    } else {
                        synchronized (this) {
                            subscribed = false;
                        }
                        unavailable("the kernel refused the subscription to process events (error " + m.error()
                                + (m.error() == NetlinkSocket.EPERM ? ": no CAP_NET_ADMIN, which Linux before 6.6 needs)" : ")"));
                        stopping = true;
                    }
                }
            } else if (m.event() != null) {
                batch.add(m.event());
                listening();
            }
        }
    }

    private List<ProcessEvent> deliver(ProcessEventListener listener, List<ProcessEvent> batch) {
        if (batch.isEmpty()) {
            return batch;
        }
        received.addAndGet(batch.size());
        try {
            listener.events(batch);
        } catch (RuntimeException e) {
            // the listener's failure is its own: the next batch goes to it again
            Thread t = Thread.currentThread();
            t.getUncaughtExceptionHandler().uncaughtException(t, e);
        }
        return new ArrayList<>(Math.max(16, batch.size()));
    }

    private void listening() {
        if (state == State.STARTING) {
            state = State.LISTENING;
        }
    }

    private void unavailable(String why) {
        reason = why;
        state = State.UNAVAILABLE;
    }

    @Override
    public State state() {
        return state;
    }

    @Override
    public String unavailableReason() {
        return state == State.UNAVAILABLE ? reason : null;
    }

    @Override
    public long dropped() {
        return Math.max(missed.get(), overflows.get());
    }

    /** Times the kernel said it dropped messages ({@code ENOBUFS}). */
    public long overflows() {
        return overflows.get();
    }

    @Override
    public long received() {
        return received.get();
    }

    /** Whether this source's receiving thread runs. */
    synchronized boolean receiving() {
        return thread != null && thread.isAlive();
    }

    /** The receive buffer the kernel granted, bytes; -1 when not open. */
    public synchronized int grantedReceiveBuffer() {
        return socket != null && !stopping ? socket.receiveBuffer() : -1;
    }

    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (stopping) {
                return;
            }
            stopping = true;
            t = thread;
            // at once: the thread may be slow to see the stop (a listener still busy)
            unsubscribe();
        }
        if (t != null) {
            try {
                t.join(STOP_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (state != State.UNAVAILABLE) {
            unavailable("stopped");
        }
    }
}
