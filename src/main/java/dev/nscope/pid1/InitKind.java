package dev.nscope.pid1;

/**
 * What kind of program a container's PID 1 is, as far as its signal handling and reaping go. The
 * label is the JSON {@code pid1.initKind} value. See {@link InitIdentifier} for how it is told.
 *
 * <p>Traits (from docs/pid1.md, measured on 6.18 x86_64 with each program as PID 1):
 * <ul>
 * <li>{@link #forwardsSignals()}: passes the stop signal on to its children (an init or supervisor);</li>
 * <li>{@link #waitsForSignals()}: takes signals synchronously ({@code sigtimedwait}, {@code sigwait},
 * signalfd), so "no handler, nothing blocked" in status does not mean the signal is dropped: the
 * kernel keeps the waited signals in {@code real_blocked}, which /proc does not show;</li>
 * <li>{@link #neverReadsTerm()}: blocks SIGTERM and never reads it (runit): kept pending forever;</li>
 * <li>{@link #reRaisesTerm()}: its own SIGINT/SIGTERM handler restores the default action and
 * re-raises (Node.js), which the kernel drops for PID 1: a handler that does not save it.</li>
 * </ul>
 */
public enum InitKind {
    TINI("tini", true, true),
    /** Docker's {@code --init}: tini under another name. */
    DOCKER_INIT("docker-init", true, true),
    DUMB_INIT("dumb-init", true, true),
    /** Also podman's {@code --init} ({@code /run/podman-init}). */
    CATATONIT("catatonit", true, true),
    /** The Kubernetes pause container: handlers and {@code pause()}; exits on SIGTERM. */
    PAUSE("pause", true, false),
    S6_SVSCAN("s6-svscan", true, true),
    SUPERVISORD("supervisord", true, false),
    SYSTEMD("systemd", true, true),
    RUNIT("runit", false, false),
    /** sh, bash, dash, ash, busybox sh, …: waits on its children and never passes a signal on. */
    SHELL("shell", false, false),
    NODE("node", false, false),
    PYTHON("python", false, false),
    JAVA("java", false, false),
    UNKNOWN("unknown", false, false);

    private final String label;
    private final boolean forwards;
    private final boolean waits;

    InitKind(String label, boolean forwards, boolean waits) {
        this.label = label;
        this.forwards = forwards;
        this.waits = waits;
    }

    /** The JSON value. */
    public String label() {
        return label;
    }

    /** Known to pass the stop signal on to its children. */
    public boolean forwardsSignals() {
        return forwards;
    }

    /** Known to take signals synchronously (sigwait family or signalfd). */
    public boolean waitsForSignals() {
        return waits;
    }

    /**
     * Known never to wait for signals synchronously: without {@code syscall} and {@code wchan} its masks
     * alone decide. Unknown programs are not (one might wait in {@code sigtimedwait}).
     */
    public boolean neverWaitsForSignals() {
        return this == SHELL || this == NODE || this == PYTHON || this == JAVA || this == RUNIT;
    }

    /** Blocks SIGTERM and never reads it. */
    public boolean neverReadsTerm() {
        return this == RUNIT;
    }

    /** Its SIGINT/SIGTERM handler re-raises the signal with the default action. */
    public boolean reRaisesTerm() {
        return this == NODE;
    }

    /** Known never to pass signals on: a shell waiting on its children. */
    public boolean neverForwards() {
        return this == SHELL;
    }

    /** An interpreter whose script may be the real program (supervisord is a Python script). */
    boolean isInterpreter() {
        return this == PYTHON || this == NODE || this == SHELL || this == JAVA;
    }
}
