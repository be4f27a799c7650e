package escudo.testing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Byte-level checks the storage tests share: a secret must not appear on disk, a damaged file must not open. */
public final class TestBytes {

    private TestBytes() {
    }

    /** Whether {@code needle} occurs in {@code haystack}. */
    public static boolean contains(byte[] haystack, byte[] needle) {
        return indexOf(haystack, needle) >= 0;
    }

    /** Where {@code needle} first occurs in {@code haystack}, or -1. */
    public static int indexOf(byte[] haystack, byte[] needle) {
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * What a damaged sealed file looks like: {@code original} with one bit flipped at its start, in
     * the nonce, in the middle and in the tag at the end, then one byte short, then empty.
     */
    public static List<byte[]> damagedCopies(byte[] original) {
        List<byte[]> copies = new ArrayList<>();
        for (int i : new int[] {0, 12, original.length / 2, original.length - 1}) {
            byte[] flipped = original.clone();
            flipped[i] ^= 0x01;
            copies.add(flipped);
        }
        copies.add(Arrays.copyOf(original, original.length - 1));
        copies.add(new byte[0]);
        return copies;
    }
}
