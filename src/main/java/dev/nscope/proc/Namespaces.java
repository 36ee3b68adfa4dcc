package dev.nscope.proc;

import java.util.Arrays;

/**
 * The namespace inodes of one process, one per {@link NamespaceType}; 0 where the link could not be
 * read (no ptrace rights, a kernel without that type, or the process vanished). Immutable.
 */
public final class Namespaces {
    public static final long UNKNOWN = 0;
    private static final Namespaces NONE = new Namespaces(new long[NamespaceType.all().length]);

    private final long[] inodes;

    private Namespaces(long[] inodes) {
        this.inodes = inodes;
    }

    public static Namespaces none() {
        return NONE;
    }

    /** From inodes in {@link NamespaceType} order (copied). */
    public static Namespaces of(long... inodes) {
        if (inodes.length != NamespaceType.all().length) {
            throw new IllegalArgumentException("need " + NamespaceType.all().length + " inodes");
        }
        return new Namespaces(inodes.clone());
    }

    public long get(NamespaceType t) {
        return inodes[t.ordinal()];
    }

    public boolean known(NamespaceType t) {
        return inodes[t.ordinal()] != UNKNOWN;
    }

    /** True when no link at all could be read. */
    public boolean isEmpty() {
        for (long v : inodes) {
            if (v != UNKNOWN) {
                return false;
            }
        }
        return true;
    }

    /** A copy where every unknown type takes {@code fallback}'s value. */
    public Namespaces orElse(Namespaces fallback) {
        long[] out = inodes.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == UNKNOWN) {
                out[i] = fallback.inodes[i];
            }
        }
        return new Namespaces(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Namespaces n && Arrays.equals(inodes, n.inodes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(inodes);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Namespaces{");
        for (NamespaceType t : NamespaceType.all()) {
            sb.append(t.link()).append('=').append(inodes[t.ordinal()]).append(' ');
        }
        return sb.append('}').toString();
    }
}
