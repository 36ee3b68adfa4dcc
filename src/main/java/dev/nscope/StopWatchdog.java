package dev.nscope;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.time.Duration;

/**
 * Makes a stop (SIGTERM, or SIGINT) final within {@link #LIMIT}, whatever the agent is doing. The JVM's
 * own handler runs the shutdown hooks, and Spring's hook closes the context only once the context has
 * finished starting, which can take a while on a loaded node; a read of the host that hangs is left to
 * the JVM's exit already (the scanning thread is a daemon). So on a stop signal a daemon thread is
 * started that halts the JVM with the signal's exit status (128 + its number, as the JVM's own exit)
 * if the orderly stop has not finished by then. An orderly stop that finishes first is not affected.
 */
final class StopWatchdog {
    static final Duration LIMIT = Duration.ofMillis(2000);

    private StopWatchdog() {
    }

    /** Wraps the JVM's handlers of TERM and INT; where signals cannot be handled, nothing changes. */
    static void install() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal signal = new Signal(name);
                SignalHandler jvm = Signal.handle(signal, SignalHandler.SIG_DFL);
                Signal.handle(signal, s -> {
                    start(128 + s.getNumber(), s.getName());
                    jvm.handle(s);
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // the signal is taken (a debugger, -Xrs): the JVM's own handling stays
            }
        }
    }

    private static void start(int status, String signal) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(LIMIT.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("nscope: still stopping " + LIMIT.toMillis() + " ms after SIG" + signal + "; halting");
            Runtime.getRuntime().halt(status);
        }, "nscope-stop-watchdog");
        t.setDaemon(true);
        t.start();
    }
}
