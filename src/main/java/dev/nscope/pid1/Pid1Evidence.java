package dev.nscope.pid1;

import dev.nscope.proc.ProcStatus;
import dev.nscope.rules.Evidence;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evidence pieces shared by the PID 1 rules: decoded masks, the wait seen, children. */
final class Pid1Evidence {
    /** Lists in evidence stop here (a leaking init can have thousands of zombies). */
    static final int MAX_LISTED = 20;

    private Pid1Evidence() {
    }

    /** A mask as the kernel prints it, with the signal names it holds. */
    static Map<String, Object> mask(long mask) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hex", Signals.hex(mask));
        m.put("signals", Signals.names(mask));
        return Evidence.copyOf(m);
    }

    static void identity(Map<String, Object> e, Pid1Look look) {
        Pid1Facts f = look.facts();
        e.put("pid", f.pid());
        e.put("comm", f.comm());
        e.put("exe", f.exe());
        e.put("initKind", look.kind().label());
        e.put("identifiedBy", look.init().by());
    }

    static void signals(Map<String, Object> e, Pid1Look look) {
        Pid1Facts f = look.facts();
        e.put("stopSignal", Signals.name(f.stopSignal()));
        ProcStatus st = f.status();
        if (st != null) {
            e.put("sigCgt", mask(st.sigCgt()));
            e.put("sigBlk", mask(st.sigBlk()));
            e.put("sigIgn", mask(st.sigIgn()));
            e.put("shdPnd", mask(st.shdPnd()));
        }
        e.put("syscall", f.syscall() == null ? null : syscall(f, look.arch()));
        e.put("wchan", f.wchan());
    }

    private static String syscall(Pid1Facts f, Arch arch) {
        String s = f.syscall().describe();
        String name = arch == null || f.syscall().number() < 0 ? null : arch.syscallName(f.syscall().number());
        return name == null ? s : s + " (" + name + ")";
    }

    /** The first {@link #MAX_LISTED} children by pid, as pid and comm. */
    static List<Map<String, Object>> children(List<Pid1Facts.Child> kids) {
        List<Map<String, Object>> out = new ArrayList<>();
        List<Pid1Facts.Child> sorted = kids.stream().sorted(java.util.Comparator.comparingInt(Pid1Facts.Child::pid)).toList();
        for (Pid1Facts.Child c : sorted.subList(0, Math.min(MAX_LISTED, sorted.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pid", c.pid());
            m.put("comm", c.comm());
            out.add(Evidence.copyOf(m));
        }
        return List.copyOf(out);
    }
}
