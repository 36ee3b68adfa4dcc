package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * {@code /proc/<pid>/status}: {@code Key:\tvalue} lines (proc(5)). nscope keeps the pid-namespace
 * chain {@code NSpid} (Linux 4.1+; absent before: {@code null}), the thread count, the signal masks
 * (hex; signal n is bit n-1; {@code SigBlk} is the blocked mask of the thread whose status this is)
 * and what the process may do: its capability sets (capabilities(7); bit n is capability n) and
 * {@link Security}. Unknown keys, from newer kernels, are ignored.
 *
 * @param nsPid    the pid in each pid namespace the process is in, outermost (the procfs's own) first;
 *                 the last entry is the pid in the process's own namespace, 1 for a namespace's init
 * @param uid      the real uid (first field of {@code Uid})
 * @param capEff   the effective capabilities, -1 when absent
 * @param security the rest of the credentials and confinement
 */
public record ProcStatus(int tgid, int ppid, int[] nsPid, int threads, long uid,
                         long sigPnd, long shdPnd, long sigBlk, long sigIgn, long sigCgt, long capEff, Security security) {

    /**
     * What confines a process beyond its effective capabilities; -1 for a line the kernel does not write
     * ({@code NoNewPrivs} 4.10+, {@code Seccomp} 3.8+, {@code Seccomp_filters} 5.9+, {@code CapAmb} 4.3+).
     *
     * @param euid           the effective uid (second field of {@code Uid})
     * @param egid           the effective gid (second field of {@code Gid})
     * @param seccomp        0 disabled, 1 strict, 2 filter
     * @param seccompFilters how many filters are attached
     */
    public record Security(long euid, long egid, long capPrm, long capBnd, long capAmb, int noNewPrivs, int seccomp,
                           int seccompFilters) {
        public static final Security UNKNOWN = new Security(-1, -1, -1, -1, -1, -1, -1, -1);
    }

    /** A status without the security lines (tests and callers that judge only the signal masks). */
    public ProcStatus(int tgid, int ppid, int[] nsPid, int threads, long uid,
                      long sigPnd, long shdPnd, long sigBlk, long sigIgn, long sigCgt, long capEff) {
        this(tgid, ppid, nsPid, threads, uid, sigPnd, shdPnd, sigBlk, sigIgn, sigCgt, capEff, Security.UNKNOWN);
    }

    /** True when this process is PID 1 of a pid namespace nested below the procfs's own. */
    public boolean isNamespaceInit() {
        return nsPid != null && nsPid.length >= 2 && nsPid[nsPid.length - 1] == 1;
    }

    /** Depth of the process's pid namespace below the procfs's (0: the same namespace), or -1 if unknown. */
    public int nsDepth() {
        return nsPid == null ? -1 : nsPid.length - 1;
    }

    /** The pid inside the process's own pid namespace (the last NSpid entry), or -1 if unknown. */
    public int innermostPid() {
        return nsPid == null || nsPid.length == 0 ? -1 : nsPid[nsPid.length - 1];
    }

    public static ProcStatus parse(byte[] b, int len) throws MalformedFileException {
        int tgid = -1;
        int ppid = -1;
        int[] nsPid = null;
        int threads = -1;
        long uid = -1;
        long euid = -1;
        long egid = -1;
        long capPrm = -1;
        long capBnd = -1;
        long capAmb = -1;
        int noNewPrivs = -1;
        int seccomp = -1;
        int seccompFilters = -1;
        long sigPnd = 0;
        long shdPnd = 0;
        long sigBlk = 0;
        long sigIgn = 0;
        long sigCgt = 0;
        long capEff = -1;
        boolean sawMasks = false;
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            int colon = Ascii.indexOf(b, i, end, (byte) ':');
            if (colon > i) {
                int v = Ascii.skipSpaces(b, colon + 1, end);
                int vEnd = Ascii.tokenEnd(b, v, end);
                switch (b[i]) {
                    case 'T' -> {
                        if (Ascii.equals(b, i, colon, "Tgid")) {
                            tgid = (int) number(b, v, vEnd, "Tgid");
                        } else if (Ascii.equals(b, i, colon, "Threads")) {
                            threads = (int) number(b, v, vEnd, "Threads");
                        }
                    }
                    case 'P' -> {
                        if (Ascii.equals(b, i, colon, "PPid")) {
                            ppid = (int) number(b, v, vEnd, "PPid");
                        }
                    }
                    case 'U' -> {
                        if (Ascii.equals(b, i, colon, "Uid")) {
                            uid = id(b, v, vEnd, "Uid");
                            euid = second(b, vEnd, end, "Uid");
                        }
                    }
                    case 'N' -> {
                        if (Ascii.equals(b, i, colon, "NSpid")) {
                            nsPid = pidList(b, v, end);
                        } else if (Ascii.equals(b, i, colon, "NoNewPrivs")) {
                            noNewPrivs = (int) number(b, v, vEnd, "NoNewPrivs");
                        }
                    }
                    case 'G' -> {
                        if (Ascii.equals(b, i, colon, "Gid")) {
                            egid = second(b, vEnd, end, "Gid");
                        }
                    }
                    case 'S' -> {
                        if (Ascii.equals(b, i, colon, "SigPnd")) {
                            sigPnd = hex(b, v, vEnd, "SigPnd");
                        } else if (Ascii.equals(b, i, colon, "ShdPnd")) {
                            shdPnd = hex(b, v, vEnd, "ShdPnd");
                        } else if (Ascii.equals(b, i, colon, "SigBlk")) {
                            sigBlk = hex(b, v, vEnd, "SigBlk");
                            sawMasks = true;
                        } else if (Ascii.equals(b, i, colon, "SigIgn")) {
                            sigIgn = hex(b, v, vEnd, "SigIgn");
                        } else if (Ascii.equals(b, i, colon, "SigCgt")) {
                            sigCgt = hex(b, v, vEnd, "SigCgt");
                        } else if (Ascii.equals(b, i, colon, "Seccomp")) {
                            seccomp = (int) number(b, v, vEnd, "Seccomp");
                        } else if (Ascii.equals(b, i, colon, "Seccomp_filters")) {
                            seccompFilters = (int) number(b, v, vEnd, "Seccomp_filters");
                        }
                    }
                    case 'C' -> {
                        if (Ascii.equals(b, i, colon, "CapEff")) {
                            capEff = hex(b, v, vEnd, "CapEff");
                        } else if (Ascii.equals(b, i, colon, "CapPrm")) {
                            capPrm = hex(b, v, vEnd, "CapPrm");
                        } else if (Ascii.equals(b, i, colon, "CapBnd")) {
                            capBnd = hex(b, v, vEnd, "CapBnd");
                        } else if (Ascii.equals(b, i, colon, "CapAmb")) {
                            capAmb = hex(b, v, vEnd, "CapAmb");
                        }
                    }
                    default -> {
                    }
                }
            }
            i = end + 1;
        }
        if (tgid <= 0 || !sawMasks) {
            throw new MalformedFileException("status: Tgid or signal masks missing");
        }
        return new ProcStatus(tgid, ppid, nsPid, threads, uid, sigPnd, shdPnd, sigBlk, sigIgn, sigCgt, capEff,
                new Security(euid, egid, capPrm, capBnd, capAmb, noNewPrivs, seccomp, seccompFilters));
    }

    /** The second number of a {@code Uid}/{@code Gid} line (the effective id), from the end of the first. */
    private static long second(byte[] b, int firstEnd, int end, String key) throws MalformedFileException {
        int v = Ascii.skipSpaces(b, firstEnd, end);
        return id(b, v, Ascii.tokenEnd(b, v, end), key);
    }

    /** A uid or gid: 32 bits unsigned. */
    private static long id(byte[] b, int from, int to, String key) throws MalformedFileException {
        long v = Ascii.parseLong(b, from, to);
        if (v == Ascii.NOT_A_NUMBER || v < 0 || v > 0xFFFF_FFFFL) {
            throw new MalformedFileException("status: bad " + key);
        }
        return v;
    }

    private static long number(byte[] b, int from, int to, String key) throws MalformedFileException {
        long v = Ascii.parseLong(b, from, to);
        if (v == Ascii.NOT_A_NUMBER || v < 0 || v > Integer.MAX_VALUE) {
            throw new MalformedFileException("status: bad " + key);
        }
        return v;
    }

    private static long hex(byte[] b, int from, int to, String key) throws MalformedFileException {
        long v = Ascii.parseHex(b, from, to);
        if (v == Ascii.NOT_A_NUMBER) {
            throw new MalformedFileException("status: bad " + key);
        }
        return v;
    }

    private static int[] pidList(byte[] b, int from, int end) throws MalformedFileException {
        int[] out = new int[4];
        int n = 0;
        int i = from;
        while (true) {
            i = Ascii.skipSpaces(b, i, end);
            if (i >= end) {
                break;
            }
            int t = Ascii.tokenEnd(b, i, end);
            long v = Ascii.parseLong(b, i, t);
            if (v <= 0 || v > Integer.MAX_VALUE) {
                throw new MalformedFileException("status: bad NSpid");
            }
            if (n == out.length) {
                if (n >= 64) {
                    throw new MalformedFileException("status: NSpid deeper than the kernel allows");
                }
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = (int) v;
            i = t;
        }
        if (n == 0) {
            throw new MalformedFileException("status: empty NSpid");
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
