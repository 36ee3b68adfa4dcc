package dev.nscope.cgroup;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the reads of one container's cgroup files leave for later passes, and what the caller allows
 * a read to take from it. The caller (the scanner's pass memory, one per container) decides, before
 * each read, whether the limits are due ({@link #readLimits}) and whether a v1 blkio family that listed
 * no device is due for a new probe ({@link #reprobeBlkio}), and when to forget the files this cgroup
 * lacked ({@link #forgetLacking}); the readers only record what they found. A memory that is never
 * told otherwise reads everything (the default for one-off reads and tests).
 */
public final class CgroupMemory {
    /** A cgroup file: its directory (one per hierarchy) and its name. */
    record File(String dir, String name) {
    }

    /** The v1 blkio family ({@link CgroupV1Stats#BLKIO} index) that gave figures, and the pass it was chosen in. */
    record BlkioChoice(int family, long chosenInPass, boolean listedDevices) {
    }

    /** The values of limit files (those read through {@link CgroupFiles#readSlow}) as last read. */
    final Map<File, Object> limits = new HashMap<>();
    /** Files this cgroup did not have (the kernel lacks them, or the controller is not enabled for it). */
    final Set<File> lacking = new HashSet<>();
    long lackingSince = -1;
    BlkioChoice blkio;
    /** The CPU usage file as the idle probe of this pass parsed it ({@code cpu.stat} on v2, {@code cpuacct.usage} ns on v1), and its directory. */
    private String probedDir;
    private FlatKeyedFile.Values probedCpuStat;
    private Long probedUsageNs;

    private long pass;
    private boolean readLimits = true;
    private boolean reprobeBlkio = true;

    /**
     * Sets what the next read may take from this memory.
     *
     * @param pass         the scan pass (a number that grows by one per pass)
     * @param readLimits   read the limit files again (else take the values read last)
     * @param reprobeBlkio try every v1 blkio family again (else read the one chosen before)
     */
    public void allow(long pass, boolean readLimits, boolean reprobeBlkio) {
        this.pass = pass;
        this.readLimits = readLimits || limits.isEmpty();
        this.reprobeBlkio = reprobeBlkio || blkio == null;
    }

    long pass() {
        return pass;
    }

    boolean readLimits() {
        return readLimits;
    }

    boolean reprobeBlkio() {
        return reprobeBlkio;
    }

    /** The pass in which the first file now remembered as lacking was found lacking; -1 when none is. */
    public long lackingSince() {
        return lackingSince;
    }

    /** Forgets which files this cgroup lacked: they are tried again. */
    public void forgetLacking() {
        lacking.clear();
        lackingSince = -1;
    }

    /** The pass in which the v1 blkio family was chosen, and whether it listed a device; null when none was. */
    public BlkioState blkio() {
        return blkio == null ? null : new BlkioState(blkio.chosenInPass(), blkio.listedDevices());
    }

    /** What the caller needs of the blkio choice to decide on a new probe. */
    public record BlkioState(long chosenInPass, boolean listedDevices) {
    }

    /** Drops what the idle probe parsed and this pass did not use. */
    public void clearProbe() {
        probedDir = null;
        probedCpuStat = null;
        probedUsageNs = null;
    }

    void probed(String dir, FlatKeyedFile.Values cpuStat, Long usageNs) {
        probedDir = dir;
        probedCpuStat = cpuStat;
        probedUsageNs = usageNs;
    }

    /** {@code cpu.stat} of {@code dir} as probed in this pass, or null. */
    FlatKeyedFile.Values probedCpuStat(String dir) {
        return dir != null && dir.equals(probedDir) ? probedCpuStat : null;
    }

    /** {@code cpuacct.usage} of {@code dir} as probed in this pass, or null. */
    Long probedUsageNs(String dir) {
        return dir != null && dir.equals(probedDir) ? probedUsageNs : null;
    }

    void lacks(File f) {
        if (lacking.isEmpty()) {
            lackingSince = pass;
        }
        lacking.add(f);
    }
}
