package dev.nscope.pid1;

import dev.nscope.host.ErrorCounts;
import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;
import dev.nscope.host.Pids;
import dev.nscope.proc.ProcStat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the facts of a captured PID 1 the way the scanner will: its own files, its children's stat. */
final class CapturedPid1 {
    private CapturedPid1() {
    }

    static ProcStat stat(HostPaths paths, int pid) {
        try {
            FileBytes b = new FileBytes().read(paths.pidFile(pid, "stat"));
            return ProcStat.parse(b.data(), b.length());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<ProcStat> all(HostPaths paths) {
        List<ProcStat> out = new ArrayList<>();
        for (String n : paths.procfs().toFile().list()) {
            int pid = Pids.parse(n);
            if (pid > 0 && Files.exists(Path.of(paths.pidFile(pid, "stat")))) {
                out.add(stat(paths, pid));
            }
        }
        return out;
    }

    static String exe(HostPaths paths, int pid) {
        try {
            return Files.readSymbolicLink(Path.of(paths.pidFile(pid, "exe"))).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** PID 1's facts: its files, its direct children, the zombies of its other descendants. */
    static Pid1Facts facts(HostPaths paths, int pid, int stopSignal, Long pidsMax, Long pidsCurrent, ErrorCounts errors) {
        ProcStat self = stat(paths, pid);
        List<ProcStat> everyone = all(paths);
        List<Pid1Facts.Child> kids = new ArrayList<>();
        int otherZombies = 0;
        for (ProcStat s : everyone) {
            if (s.ppid() == pid) {
                kids.add(Pid1Reader.child(s));
            } else if (Pid1Facts.isZombie(s.state(), s.numThreads()) && descends(everyone, s, pid)) {
                otherZombies++;
            }
        }
        return new Pid1Reader(paths).read(pid, self.startTime(), self.comm(), exe(paths, pid), stopSignal, errors)
                .withChildren(kids, otherZombies).withPids(pidsMax, pidsCurrent);
    }

    static Pid1Facts facts(HostPaths paths, int pid) {
        return facts(paths, pid, Signals.SIGTERM, null, null, new ErrorCounts());
    }

    private static boolean descends(List<ProcStat> all, ProcStat s, int ancestor) {
        int ppid = s.ppid();
        for (int hops = 0; hops < 64 && ppid > 1; hops++) {
            if (ppid == ancestor) {
                return true;
            }
            int p = ppid;
            ppid = all.stream().filter(x -> x.pid() == p).mapToInt(ProcStat::ppid).findFirst().orElse(0);
        }
        return false;
    }
}
