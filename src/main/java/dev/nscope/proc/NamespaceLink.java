package dev.nscope.proc;

import dev.nscope.host.MalformedFileException;

/**
 * The target of a {@code /proc/<pid>/ns/<type>} link: {@code type:[inode]}, e.g. {@code net:[4026532264]}.
 * Two processes are in the same namespace exactly when their links have the same inode.
 */
public final class NamespaceLink {
    private NamespaceLink() {
    }

    /** The inode named by a link target, checking that its type prefix is {@code expected}. */
    public static long parseInode(String target, NamespaceType expected) throws MalformedFileException {
        String link = expected.link();
        int n = link.length();
        if (target == null || target.length() < n + 4 || !target.startsWith(link)
                || target.charAt(n) != ':' || target.charAt(n + 1) != '['
                || target.charAt(target.length() - 1) != ']') {
            throw new MalformedFileException("ns link: not '" + link + ":[inode]'");
        }
        long v = 0;
        for (int i = n + 2; i < target.length() - 1; i++) {
            char c = target.charAt(i);
            if (c < '0' || c > '9' || v > (Long.MAX_VALUE - 9) / 10) {
                throw new MalformedFileException("ns link: bad inode");
            }
            v = v * 10 + (c - '0');
        }
        if (v == 0) {
            throw new MalformedFileException("ns link: inode 0");
        }
        return v;
    }
}
