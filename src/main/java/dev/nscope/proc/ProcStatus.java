package dev.nscope.proc;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

/**
 * {@code /proc/<pid>/status}: {@code Key:\tvalue} lines (proc(5)). nscope keeps the pid-namespace
 * chain {@code NSpid} (Linux 4.1+; absent before: {@code null}), the thread count, the signal masks
 * (hex; signal n is bit n-1; {@code SigBlk} is the blocked mask of the thread whose status this is)
 * and the effective capabilities. Unknown keys, from newer kernels, are ignored.
 *
 * @param nsPid the pid in each pid namespace the process is in, outermost (the procfs's own) first;
 *              the last entry is the pid in the process's own namespace, 1 for a namespace's init
 */
public record ProcStatus(int tgid, int ppid, int[] nsPid, int threads, long uid,
                         long sigPnd, long shdPnd, long sigBlk, long sigIgn, long sigCgt, long capEff) {

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
                            uid = number(b, v, vEnd, "Uid");
                        }
                    }
                    case 'N' -> {
                        if (Ascii.equals(b, i, colon, "NSpid")) {
                            nsPid = pidList(b, v, end);
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
                        }
                    }
                    case 'C' -> {
                        if (Ascii.equals(b, i, colon, "CapEff")) {
                            capEff = hex(b, v, vEnd, "CapEff");
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
        return new ProcStatus(tgid, ppid, nsPid, threads, uid, sigPnd, shdPnd, sigBlk, sigIgn, sigCgt, capEff);
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
