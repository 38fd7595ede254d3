package org.restcomm.lb.sip;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The settings' blocked values (the original's blocked-values), ready to be looked for in a datagram's bytes: lower
 * case ASCII, compared ignoring ASCII case, which is what the text comparison of
 * {@link SipBalancerSettings#blocks} amounts to for them. A value that is not ASCII sends the check back to the text.
 */
final class BlockedScanners {

    private final byte[][] values;
    private final boolean ascii;

    BlockedScanners(List<String> values) {
        this.values = new byte[values.size()][];
        boolean ascii = true;
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i).toLowerCase(Locale.ROOT);
            ascii &= value.chars().allMatch(c -> c < 0x80);
            this.values[i] = value.getBytes(StandardCharsets.UTF_8);
        }
        this.ascii = ascii;
    }

    boolean any() {
        return this.values.length > 0;
    }

    /** Whether every value is ASCII, so that {@link #foundIn} answers as the text comparison would. */
    boolean ascii() {
        return this.ascii;
    }

    /** Whether the range holds one of the values, ignoring ASCII case. */
    boolean foundIn(byte[] bytes, int from, int to) {
        for (byte[] value : this.values) {
            if (contains(bytes, from, to, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(byte[] bytes, int from, int to, byte[] lowerCase) {
        if (lowerCase.length == 0) {
            return true;
        }
        for (int start = from; start + lowerCase.length <= to; start++) {
            int i = 0;
            while (i < lowerCase.length && lower(bytes[start + i]) == lowerCase[i]) {
                i++;
            }
            if (i == lowerCase.length) {
                return true;
            }
        }
        return false;
    }

    private static byte lower(byte b) {
        return (b >= 'A' && b <= 'Z') ? (byte) (b + ('a' - 'A')) : b;
    }
}
