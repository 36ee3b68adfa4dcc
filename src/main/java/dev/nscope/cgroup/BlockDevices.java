package dev.nscope.cgroup;

import dev.nscope.host.Ascii;
import dev.nscope.host.FileBytes;
import dev.nscope.host.HostPaths;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The names of block devices, from {@code ${sysfs}/dev/block/<major>:<minor>/uevent} ({@code DEVNAME=vda}):
 * {@code /dev/vda} for {@code 253:0}, as cAdvisor labels its per-device series. A device's name is read at
 * first sight and again after {@link #REREAD_NANOS} (a number can be reused after a device goes); a device
 * sysfs does not know (a capture without it, a device gone) has no name. Not thread-safe: the scanning thread's.
 */
public final class BlockDevices {
    static final long REREAD_NANOS = 600_000_000_000L;
    private static final int MAX_KNOWN = 4096;

    private final HostPaths host;
    private final FileBytes buf = new FileBytes(512, 64 << 10);
    private final Map<String, Known> known = new HashMap<>();

    private record Known(String name, long readAtNanos) {
    }

    public BlockDevices(HostPaths host) {
        this.host = host;
    }

    /** {@code /dev/<DEVNAME>} of {@code majorMinor} ("253:0"), or null. */
    public String name(String majorMinor) {
        long now = System.nanoTime();
        Known k = known.get(majorMinor);
        if (k != null && now - k.readAtNanos < REREAD_NANOS) {
            return k.name;
        }
        if (known.size() >= MAX_KNOWN) {
            known.clear();
        }
        String name = read(majorMinor);
        known.put(majorMinor, new Known(name, now));
        return name;
    }

    private String read(String majorMinor) {
        if (!isMajorMinor(majorMinor)) {
            return null;
        }
        try {
            buf.read(host.sysfs().resolve("dev/block").resolve(majorMinor).resolve("uevent").toString());
            return devName(buf.data(), buf.length());
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code /dev/} and the value of the {@code DEVNAME=} line of a uevent file, or null when it has none. */
    static String devName(byte[] b, int len) {
        int i = 0;
        while (i < len) {
            int end = Ascii.lineEnd(b, i, len);
            if (Ascii.startsWith(b, i, end, "DEVNAME=") && end > i + 8) {
                String name = Ascii.string(b, i + 8, end).trim();
                return name.isEmpty() || name.contains("..") ? null : "/dev/" + name;
            }
            i = end + 1;
        }
        return null;
    }

    private static boolean isMajorMinor(String s) {
        int colon = s.indexOf(':');
        if (colon <= 0 || colon == s.length() - 1 || s.length() > 24) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (i != colon && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }
}
