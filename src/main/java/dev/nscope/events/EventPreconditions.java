package dev.nscope.events;

import dev.nscope.host.HostPaths;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the process events connector needs of the agent before a subscription can work, each check answering a
 * one-line reason when it fails (null when it holds). The connector reports in the initial pid and user
 * namespaces and ignores a subscription from any other, silently: these checks are how nscope knows.
 * <ul>
 *   <li>the procfs is the live one: {@code <procfs>/self} names this process (a fixture tree has no such link);</li>
 *   <li>the initial pid namespace: the agent's {@code NSpid} in {@code <procfs>/self/status} has one entry (it is
 *   in the procfs's own namespace) and pid 2 of that procfs is a kernel thread ({@code kthreadd}, flag
 *   {@code PF_KTHREAD}): kernel threads are seen only from the initial namespace. ({@code /proc/1/ns/pid} would
 *   tell it directly but is not readable everywhere.)</li>
 *   <li>the initial user namespace: {@code <procfs>/self/uid_map} is the identity {@code 0 0 4294967295}.</li>
 * </ul>
 * Read once, at start; never per event.
 */
public final class EventPreconditions {
    private static final int PF_KTHREAD = 0x00200000;

    private EventPreconditions() {
    }

    /** Null when {@code paths}' procfs is the live one of this process; else why not. */
    public static String notLive(HostPaths paths) {
        long me = ProcessHandle.current().pid();
        try {
            Path self = Files.readSymbolicLink(paths.procfs().resolve("self"));
            if (self.toString().equals(Long.toString(me))) {
                return null;
            }
            return "nscope.procfs " + paths.procfs() + " is not the live procfs of this agent (self is " + self + ", not " + me + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "nscope.procfs " + paths.procfs() + " is not a live procfs (no self link: a fixture tree)";
        }
    }

    /** Null when the agent is in the initial pid and user namespaces of a live procfs; else why not. */
    public static String notInInitialNamespaces(HostPaths paths) {
        String live = notLive(paths);
        if (live != null) {
            return live;
        }
        try {
            String status = read(paths.proc("self/status"));
            String nspid = field(status, "NSpid:");
            if (nspid != null && nspid.trim().split("\\s+").length != 1) {
                return "not in the host's pid namespace (NSpid " + nspid.trim().replaceAll("\\s+", " ") + "; the DaemonSet needs hostPID)";
            }
            if (!kernelThread(read(paths.proc("2/stat")))) {
                return "not in the host's initial pid namespace (no kernel thread at pid 2; the DaemonSet needs hostPID)";
            }
            String uidMap = read(paths.proc("self/uid_map")).trim().replaceAll("\\s+", " ");
            if (!uidMap.equals("0 0 4294967295")) {
                return "not in the initial user namespace (uid_map " + (uidMap.length() > 60 ? uidMap.substring(0, 60) + "…" : uidMap) + ")";
            }
            return null;
        } catch (IOException e) {
            return "cannot tell the agent's namespaces (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        }
    }

    /** Whether a {@code stat} file's flags (field 9) mark a kernel thread. */
    static boolean kernelThread(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            return false;
        }
        String[] f = stat.substring(close + 1).trim().split(" ");
        // state ppid pgrp session tty_nr tpgid flags
        if (f.length < 7) {
            return false;
        }
        try {
            return (Long.parseLong(f[6]) & PF_KTHREAD) != 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String field(String status, String name) {
        for (String line : status.split("\n")) {
            if (line.startsWith(name)) {
                return line.substring(name.length());
            }
        }
        return null;
    }

    private static String read(String path) throws IOException {
        return new String(Files.readAllBytes(Path.of(path)), StandardCharsets.UTF_8);
    }
}
