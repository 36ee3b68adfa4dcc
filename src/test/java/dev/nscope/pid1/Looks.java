package dev.nscope.pid1;

import dev.nscope.proc.ProcStatus;
import dev.nscope.proc.ProcSyscall;


import static dev.nscope.testing.TestData.pid1;

/** Hand-made facts for the cases no capture holds (Node.js, runit, transients). Masks as status prints them. */
final class Looks {
    private Looks() {
    }

    static ProcStatus status(long sigBlk, long sigIgn, long sigCgt) {
        return new ProcStatus(100, 90, new int[] {100, 1}, 1, 0, 0, 0, sigBlk, sigIgn, sigCgt, 0);
    }

    static ProcSyscall inSyscall(int nr) {
        return new ProcSyscall(ProcSyscall.Kind.IN_SYSCALL, nr, 0x7ffc0000L, 0x401000L);
    }

    static Pid1Facts facts(String comm, String exe, ProcStatus st, ProcSyscall sc, String wchan) {
        return pid1().comm(comm).exe(exe).status(st).syscall(sc).wchan(wchan).build();
    }

    static Pid1Facts.Child live(int pid, String comm) {
        return new Pid1Facts.Child(pid, 6000 + pid, comm, 'S', 1);
    }

    static Pid1Facts.Child zombie(int pid, long start) {
        return new Pid1Facts.Child(pid, start, "sleep", 'Z', 1);
    }
}
