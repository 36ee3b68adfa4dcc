package dev.nscope.testing;

import dev.nscope.host.MalformedFileException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A seeded mutation loop over real kernel files, for parsers that must return a value or their own typed
 * error ({@link MalformedFileException}) and nothing else: every prefix (truncated reads), overwritten and
 * inserted bytes, overflowing and negative numbers, non-UTF-8 bytes, duplicated and extra lines (newer
 * kernels add fields), empty and binary input, and a very large input.
 */
public final class Mutations {
    private static final byte[][] TOKENS = {
            "99999999999999999999999".getBytes(StandardCharsets.US_ASCII),
            "18446744073709551616".getBytes(StandardCharsets.US_ASCII),
            "-9223372036854775808".getBytes(StandardCharsets.US_ASCII),
            "-1".getBytes(StandardCharsets.US_ASCII),
            "0x7f".getBytes(StandardCharsets.US_ASCII),
            {(byte) 0xff, (byte) 0xfe, (byte) 0xc3},
            {0}, {'\n'}, {' '}, {'\t'}, {':'}, {'('}, {')'}, {'['}, {']'}, {'"'}, {'{'}, {'}'}, {'\\'}, {'='},
            "new_field 12345\n".getBytes(StandardCharsets.US_ASCII)};

    /** A parser under test. */
    public interface Parser {
        void parse(byte[] b, int len) throws MalformedFileException;
    }

    private Mutations() {
    }

    /** Runs every mutation of {@code real} through {@code parser}; returns how many inputs were tried. */
    public static int hammer(Parser parser, byte[] real, long seed) {
        int tried = 0;
        for (int len = 0; len <= real.length; len++) {
            run(parser, real, len);
            tried++;
        }
        Random r = new Random(seed);
        for (int k = 0; k < 400; k++) {
            byte[] b = mutate(real, r);
            run(parser, b, b.length);
            tried++;
        }
        for (byte[] b : extremes(real, r)) {
            run(parser, b, b.length);
            tried++;
        }
        return tried;
    }

    static byte[] mutate(byte[] real, Random r) {
        byte[] b = real.length == 0 ? new byte[] {'x'} : real.clone();
        int ops = 1 + r.nextInt(4);
        for (int i = 0; i < ops; i++) {
            if (b.length == 0) {
                b = new byte[] {'x'};
            }
            switch (r.nextInt(4)) {
                case 0 -> b[r.nextInt(b.length)] = TOKENS[r.nextInt(TOKENS.length)][0];
                case 1 -> b = insert(b, r.nextInt(b.length + 1), TOKENS[r.nextInt(TOKENS.length)]);
                case 2 -> {
                    int from = r.nextInt(b.length);
                    int to = Math.min(b.length, from + 1 + r.nextInt(20));
                    b = insert(Arrays.copyOf(b, from), from, Arrays.copyOfRange(b, to, b.length));
                }
                default -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
        }
        return b;
    }

    static List<byte[]> extremes(byte[] real, Random r) {
        List<byte[]> out = new ArrayList<>();
        out.add(new byte[0]);
        byte[] binary = new byte[512];
        r.nextBytes(binary);
        out.add(binary);
        // every line twice, and the file with a newer kernel's extra fields after every line
        String text = new String(real, StandardCharsets.ISO_8859_1);
        StringBuilder twice = new StringBuilder();
        StringBuilder extra = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            twice.append(line).append('\n').append(line).append('\n');
            extra.append(line).append(line.isEmpty() ? "" : " 42").append('\n');
        }
        out.add(twice.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.add(extra.toString().getBytes(StandardCharsets.ISO_8859_1));
        // very large: the real content repeated up to about 1 MiB (readers cap what they read; parsers must stay linear)
        int copies = Math.max(1, (1 << 20) / Math.max(1, real.length));
        byte[] big = new byte[Math.min(1 << 21, real.length * copies)];
        for (int i = 0; i + real.length <= big.length && real.length > 0; i += real.length) {
            System.arraycopy(real, 0, big, i, real.length);
        }
        out.add(big);
        return out;
    }

    private static byte[] insert(byte[] b, int at, byte[] what) {
        byte[] out = new byte[b.length + what.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(what, 0, out, at, what.length);
        System.arraycopy(b, at, out, at + what.length, b.length - at);
        return out;
    }

    private static void run(Parser p, byte[] b, int len) {
        try {
            p.parse(b, len);
        } catch (MalformedFileException expected) {
            // the one failure a parser may have
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("parser threw " + e + " on input of " + len + " bytes: "
                    + new String(b, 0, Math.min(len, 300), StandardCharsets.ISO_8859_1), e);
        }
    }
}
