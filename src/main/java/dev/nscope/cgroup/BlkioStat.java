package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.MalformedFileException;

import java.util.ArrayList;
import java.util.List;

/**
 * v1 blkio "rwstat" files: {@code blkio.throttle.io_service_bytes} and {@code blkio.throttle.io_serviced}
 * (and their {@code _recursive} variants on newer kernels), the BFQ ones {@code blkio.bfq.io_service_bytes(_recursive)}
 * and {@code blkio.bfq.io_serviced(_recursive)} (4.12+), and the CFQ ones
 * {@code blkio.io_service_bytes(_recursive)} and {@code blkio.io_serviced(_recursive)} (CFQ was removed
 * in 5.0). Per device {@code MAJ:MIN Read N}, {@code Write N}, {@code Sync N}, {@code Async N},
 * {@code Discard N} (newer kernels), {@code Total N}; then always a last line {@code Total N}, which this parser
 * requires (a file cut short has none). Bytes or operations, depending on the file.
 *
 * <p>Note: on recent kernels (seen on 6.18) the throttle policy only starts counting on a disk once a
 * cgroup has a throttle limit on it; until then the throttle files read {@code Total 0}.
 *
 * @param devices read and write per device, in file order
 * @param total   the last line's grand total (all operations, discards included)
 */
public record BlkioStat(List<Entry> devices, long total) {

    public record Entry(String device, long read, long write) {
    }

    public static BlkioStat parse(byte[] b, int len) throws MalformedFileException {
        List<Entry> out = new ArrayList<>(4);
        long total = -1;
        String dev = null;
        long read = 0;
        long write = 0;
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            int s = Ascii.skipSpaces(b, i, end);
            if (s < end && !FlatKeyedFile.blank(b, s, end)) {
                if (total >= 0) {
                    throw new MalformedFileException("blkio: line after the final Total");
                }
                int e1 = Ascii.tokenEnd(b, s, end);
                int s2 = Ascii.skipSpaces(b, e1, end);
                int e2 = Ascii.tokenEnd(b, s2, end);
                int s3 = Ascii.skipSpaces(b, e2, end);
                int e3 = Ascii.tokenEnd(b, s3, end);
                if (e2 == s2 || !FlatKeyedFile.blank(b, e3, end)) {
                    throw new MalformedFileException("blkio: not 'MAJ:MIN Op N' or 'Total N'");
                }
                if (e3 == s3) {
                    if (!Ascii.equals(b, s, e1, "Total")) {
                        throw new MalformedFileException("blkio: two-field line is not 'Total N'");
                    }
                    total = number(b, s2, e2);
                } else {
                    IoStat.checkDevice(b, s, e1, "blkio");
                    long v = number(b, s3, e3);
                    if (dev == null || !Ascii.equals(b, s, e1, dev)) {
                        if (dev != null) {
                            out.add(new Entry(dev, read, write));
                        }
                        dev = Ascii.string(b, s, e1);
                        read = 0;
                        write = 0;
                    }
                    if (Ascii.equals(b, s2, e2, "Read")) {
                        read = v;
                    } else if (Ascii.equals(b, s2, e2, "Write")) {
                        write = v;
                    }
                }
            }
            i = end + 1;
        }
        if (total < 0) {
            throw new MalformedFileException("blkio: no final Total line");
        }
        if (dev != null) {
            out.add(new Entry(dev, read, write));
        }
        return new BlkioStat(List.copyOf(out), total);
    }

    private static long number(byte[] b, int s, int e) throws MalformedFileException {
        long v = Ascii.parseCounter(b, s, e);
        if (v == Ascii.NOT_A_NUMBER) {
            throw new MalformedFileException("blkio: not a number");
        }
        return v;
    }
}
