package dev.nscope.scan;

import dev.nscope.cgroup.ContainerStats;
import dev.nscope.pid1.Pid1Facts;
import dev.nscope.pid1.Pid1Reader;
import dev.nscope.proc.ProcStat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A container's processes as the snapshot lists them, with what PID 1's rules take from them. Kept in
 * the container's {@link PassMemory}, where an idle container whose processes are the same (the process
 * table hands out the same {@code stat} while they do not run) takes it as it is.
 */
record Members(ProcStat[] stats, List<ProcessEntry> list, ProcessSummary summary, List<Pid1Facts.Child> children,
               int otherZombies, ContainerStats.Files files) {

    /** True when {@code now} are the very processes, with the very {@code stat}s, these were made of. */
    boolean same(List<ProcessInfo> now) {
        if (now.size() != stats.length) {
            return false;
        }
        for (int i = 0; i < stats.length; i++) {
            if (now.get(i).stat() != stats[i]) {
                return false;
            }
        }
        return true;
    }

    /** Sets the pids of the members that are not zombies (their {@code stat} may be carried while they do not run). */
    void liveMemberPids(BitSet into) {
        for (ProcStat s : stats) {
            if (!s.isZombie()) {
                into.set(s.pid());
            }
        }
    }

    /**
     * @param cmdline a process's command line, or null: only called when command lines are on
     */
    static Members of(List<ProcessInfo> processes, ProcessInfo pid1, Function<ProcessInfo, List<String>> cmdline) {
        ProcStat[] stats = new ProcStat[processes.size()];
        List<ProcessEntry> list = new ArrayList<>(processes.size());
        Map<String, Integer> byState = new TreeMap<>();
        int threads = 0;
        int zombies = 0;
        List<Pid1Facts.Child> children = new ArrayList<>();
        int otherZombies = 0;
        OpenFiles files = new OpenFiles();
        for (int i = 0; i < stats.length; i++) {
            ProcessInfo p = processes.get(i);
            ProcStat s = p.stat();
            stats[i] = s;
            list.add(new ProcessEntry(p.pid(), p.innermostPid(), s.ppid(), s.state(), s.comm(), s.numThreads(), p.startTime(),
                    cmdline == null ? null : cmdline.apply(p)));
            byState.merge(stateName(s.state()), 1, Integer::sum);
            files.add(p.fds, p.openFilesLimit);
            threads += s.numThreads();
            boolean zombie = Pid1Facts.isZombie(s.state(), s.numThreads());
            if (zombie) {
                zombies++;
            }
            if (pid1 != null && s.ppid() == pid1.pid()) {
                children.add(Pid1Reader.child(s));
            } else if (zombie) {
                otherZombies++;
            }
        }
        return new Members(stats, List.copyOf(list), new ProcessSummary(list.size(), threads, zombies, byState),
                children, otherZombies, files.figure());
    }

    /** The container's descriptors in all, and the process closest to its soft limit. */
    private static final class OpenFiles {
        long open = -1;
        long limit = -1;
        double share = -1;

        void add(long fds, long softLimit) {
            if (fds < 0) {
                return;
            }
            open = Math.max(open, 0) + fds;
            if (softLimit > 0 && softLimit != dev.nscope.proc.ProcLimits.UNLIMITED) {
                double s = (double) fds / softLimit;
                if (s > share) {
                    share = s;
                    limit = softLimit;
                }
            }
        }

        ContainerStats.Files figure() {
            if (open < 0) {
                return null;
            }
            return new ContainerStats.Files(open, limit < 0 ? null : limit, share < 0 ? null : Math.round(share * 10000) / 10000.0);
        }
    }

    private static final String[] STATE_NAMES = new String[128];

    static {
        for (char c = 0; c < STATE_NAMES.length; c++) {
            STATE_NAMES[c] = String.valueOf(c);
        }
    }

    /** The state letter as a string, without a new one per process and pass. */
    private static String stateName(char state) {
        return state < STATE_NAMES.length ? STATE_NAMES[state] : String.valueOf(state);
    }
}
