package dev.nscope.pid1;

import dev.nscope.proc.ProcSyscall;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.nscope.testing.TestData.pid1;
import static dev.nscope.pid1.Looks.facts;
import static dev.nscope.pid1.Looks.inSyscall;
import static dev.nscope.pid1.Looks.status;
import static dev.nscope.pid1.SigtermVerdict.Delivery.DELIVERED;
import static dev.nscope.pid1.SigtermVerdict.Delivery.DROPPED;
import static dev.nscope.pid1.SigtermVerdict.Delivery.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

class SigtermVerdictTest {
    private static SigtermVerdict judge(Pid1Facts f, Arch arch) {
        return SigtermVerdict.judge(f, InitIdentifier.identify(f.comm(), f.exe(), f.argv(), f.wchan()).kind(), arch);
    }

    private static SigtermVerdict judge(Pid1Facts f) {
        return judge(f, Arch.X86_64);
    }

    @Test
    void nodeHasAHandlerButStillDropsSigterm() {
        SigtermVerdict v = judge(facts("node", "/usr/local/bin/node", status(0, 0, 0x4002), inSyscall(232), "ep_poll"));
        assertThat(v.delivery()).isEqualTo(DROPPED);
        assertThat(v.how()).isEqualTo("handler-re-raises");
        assertThat(v.reason()).contains("process.on('SIGTERM')");
    }

    @Test
    void nodeWithAnotherStopSignalItHandlesIsDelivered() {
        Pid1Facts f = facts("node", "/usr/local/bin/node", status(0, 0, 0x4202), inSyscall(232), "ep_poll");
        f = pid1(f).stopSignal(Signals.SIGUSR1).otherZombies(0).pidsMax(null).pidsCurrent(null).build();
        assertThat(judge(f).delivery()).isEqualTo(DELIVERED);
    }

    @Test
    void runitBlocksSigtermAndNeverReadsIt() {
        SigtermVerdict v = judge(facts("runit", "/sbin/runit", status(0x5001, 0, 0), inSyscall(7), "do_sys_poll"));
        assertThat(v.delivery()).isEqualTo(DROPPED);
        assertThat(v.how()).isEqualTo("blocked-never-read");
        // the same masks on a program not known to leave it unread: the kernel keeps it for the reader
        assertThat(judge(facts("myinit", "/sbin/myinit", status(0x5001, 0, 0), inSyscall(7), "do_sys_poll")).delivery())
                .isEqualTo(DELIVERED);
    }

    @Test
    void ignoredIsDroppedUnlessBlocked() {
        assertThat(judge(facts("app", "/app", status(0, 0x4000, 0), inSyscall(7), "x")).how()).isEqualTo("ignored");
        assertThat(judge(facts("app", "/app", status(0x4000, 0x4000, 0), inSyscall(7), "x")).delivery())
                .as("sig_ignored: a blocked signal is never ignored").isEqualTo(DELIVERED);
    }

    @Test
    void aHandlerForSigtermDoesNotHelpAnotherStopSignal() {
        Pid1Facts f = facts("sh", "/bin/dash", status(0, 0, 0x14000), inSyscall(130), "sigsuspend.isra.0");
        assertThat(judge(f).delivery()).isEqualTo(DELIVERED);
        Pid1Facts usr1 = pid1(f).stopSignal(Signals.SIGUSR1).children(List.of()).otherZombies(0).pidsMax(null).pidsCurrent(null).build();
        SigtermVerdict v = judge(usr1);
        assertThat(v.delivery()).isEqualTo(DROPPED);
        assertThat(v.reason()).startsWith("SIGUSR1 has no handler");
    }

    @Test
    void theSyscallNumberIsPerArchitecture() {
        Pid1Facts f = facts("myinit", "/sbin/myinit", status(0, 0, 0), inSyscall(137), null);
        assertThat(judge(f, Arch.AARCH64).how()).isEqualTo("sigtimedwait");
        assertThat(judge(f, Arch.X86_64).how()).isEqualTo("default-action");
        assertThat(judge(f, Arch.X86_64).waitSeen()).isFalse();
        Pid1Facts x86 = facts("myinit", "/sbin/myinit", status(0, 0, 0), inSyscall(128), null);
        assertThat(judge(x86, Arch.X86_64).how()).isEqualTo("sigtimedwait");
        assertThat(judge(x86, Arch.AARCH64).how()).isEqualTo("default-action");
    }

    @Test
    void wchanIsASecondSource() {
        Pid1Facts f = facts("myinit", "/sbin/myinit", status(0, 0, 0), null, "do_sigtimedwait.isra.0");
        assertThat(judge(f).how()).isEqualTo("sigtimedwait");
        assertThat(judge(f, null).how()).as("no arch: wchan alone").isEqualTo("sigtimedwait");
    }

    @Test
    void withoutArchTheSyscallNumberMeansNothing() {
        Pid1Facts f = facts("myinit", "/sbin/myinit", status(0, 0, 0), inSyscall(128), null);
        SigtermVerdict v = judge(f, null);
        assertThat(v.waitSeen()).isNull();
        // nothing tells whether this unknown program waits: not judged
        assertThat(v.delivery()).isEqualTo(UNKNOWN);
        assertThat(v.how()).isEqualTo("wait-unreadable");
        // a shell is known never to wait: its masks decide even without syscall and wchan
        assertThat(judge(facts("sh", "/bin/dash", status(0, 0, 0x10000), inSyscall(128), null), null).delivery()).isEqualTo(DROPPED);
    }

    @Test
    void aKnownWaitingInitSeenRunningIsJudgedOnItsMasks() {
        // tini between two waits has TERM blocked; if a look catches neither, that look says dropped
        assertThat(judge(facts("tini", "/bin/tini", status(0, 0, 0), ProcSyscall.RUNNING, null)).delivery()).isEqualTo(DROPPED);
        assertThat(judge(facts("tini", "/bin/tini", status(0x7fffffffL, 0, 0), ProcSyscall.RUNNING, null)).delivery()).isEqualTo(DELIVERED);
        // unreadable wait: identity decides for a known waiting init only
        assertThat(judge(facts("tini", "/bin/tini", status(0, 0, 0), null, null)).how()).isEqualTo("known-waiting-init");
        assertThat(judge(facts("sh", "/bin/dash", status(0, 0, 0x10000), null, null)).delivery()).isEqualTo(DROPPED);
    }

    @Test
    void unreadableStatusCannotBeTold() {
        SigtermVerdict v = judge(facts("sh", "/bin/dash", null, null, null));
        assertThat(v.delivery()).isEqualTo(UNKNOWN);
        assertThat(v.delivery().asBoolean()).isNull();
        assertThat(DELIVERED.asBoolean()).isTrue();
        assertThat(DROPPED.asBoolean()).isFalse();
    }
}
