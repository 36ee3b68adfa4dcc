package dev.nscope.pid1;

import java.util.Locale;

/**
 * The host's architecture, for the system call numbers in {@code /proc/<pid>/syscall}: only
 * {@code rt_sigtimedwait} matters here (the wait of tini, docker-init and dumb-init). Numbers from
 * the kernel's syscall tables: x86_64 {@code arch/x86/entry/syscalls/syscall_64.tbl}, the generic
 * table ({@code include/uapi/asm-generic/unistd.h}) for aarch64 and riscv64, powerpc and s390 their own.
 */
public enum Arch {
    X86_64(128), AARCH64(137), RISCV64(137), PPC64LE(176), S390X(177);

    private final int rtSigtimedwait;

    Arch(int rtSigtimedwait) {
        this.rtSigtimedwait = rtSigtimedwait;
    }

    public int rtSigtimedwait() {
        return rtSigtimedwait;
    }

    /** The architecture named by Java's {@code os.arch} ("amd64", "aarch64", …), or null when not one of these. */
    public static Arch fromOsArch(String osArch) {
        if (osArch == null) {
            return null;
        }
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            case "riscv64" -> RISCV64;
            case "ppc64le", "ppc64" -> PPC64LE;
            case "s390x" -> S390X;
            default -> null;
        };
    }

    /** The architecture this JVM runs on (the agent runs on the host it scans), or null. */
    public static Arch current() {
        return fromOsArch(System.getProperty("os.arch"));
    }

    /** The name of a system call number where it matters for evidence, else null. */
    public String syscallName(int nr) {
        return nr == rtSigtimedwait ? "rt_sigtimedwait" : null;
    }
}
