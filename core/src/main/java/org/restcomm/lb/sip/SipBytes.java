package org.restcomm.lb.sip;

/**
 * Reading a datagram's header values where they lie, as byte ranges ({@code from} inclusive, {@code to} exclusive):
 * what the fast path decides on needs no String. A span found is returned packed in a long (start in the high half,
 * end in the low one), -1 when there is none.
 */
final class SipBytes {

    static final long NONE = -1;

    private SipBytes() {
    }

    static int start(long span) {
        return (int) (span >>> 32);
    }

    static int end(long span) {
        return (int) span;
    }

    static long span(int start, int end) {
        return ((long) start << 32) | end;
    }

    static int indexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    static int lastIndexOf(byte[] bytes, int from, int to, byte wanted) {
        for (int i = to - 1; i >= from; i--) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    /** Past leading white space and control characters, as {@link String#trim()} counts them. */
    static int trimStart(byte[] bytes, int from, int to) {
        while (from < to && (bytes[from] & 0xff) <= ' ') {
            from++;
        }
        return from;
    }

    static int trimEnd(byte[] bytes, int from, int to) {
        while (to > from && (bytes[to - 1] & 0xff) <= ' ') {
            to--;
        }
        return to;
    }

    /** Whether the range is the ASCII text, ignoring case. */
    static boolean equalsIgnoreCase(byte[] bytes, int from, int to, String text) {
        return to - from == text.length() && startsWithIgnoreCase(bytes, from, to, text);
    }

    static boolean startsWithIgnoreCase(byte[] bytes, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            int b = bytes[from + i];
            int c = prefix.charAt(i);
            if (b != c && Character.toLowerCase(b) != Character.toLowerCase(c)) {
                return false;
            }
        }
        return true;
    }

    static boolean startsWith(byte[] bytes, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether every byte of the range is ASCII. */
    static boolean isAscii(byte[] bytes, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** The range as a decimal number of one to nine digits; -1 for anything else (a sign, a space, nothing). */
    static int decimal(byte[] bytes, int from, int to) {
        if (to <= from || to - from > 9) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * A header parameter (after the address, outside angle brackets), e.g. the To tag or a Via branch: the span of
     * its value, trimmed, empty for a parameter without one; {@link #NONE} when absent. As
     * {@link RawSipMessage#parameter(String, String)} reads a value's text.
     */
    static long parameter(byte[] bytes, int from, int to, String name) {
        int close = lastIndexOf(bytes, from, to, (byte) '>');
        int semicolon = indexOf(bytes, (close >= 0) ? close + 1 : from, to, (byte) ';');
        while (semicolon >= 0) {
            int next = indexOf(bytes, semicolon + 1, to, (byte) ';');
            int end = (next < 0) ? to : next;
            int keyStart = trimStart(bytes, semicolon + 1, end);
            int equals = indexOf(bytes, keyStart, end, (byte) '=');
            int keyEnd = trimEnd(bytes, keyStart, (equals >= 0) ? equals : end);
            if (equalsIgnoreCase(bytes, keyStart, keyEnd, name)) {
                if (equals < 0) {
                    return span(end, end);
                }
                int valueStart = trimStart(bytes, equals + 1, end);
                return span(valueStart, trimEnd(bytes, valueStart, end));
            }
            semicolon = next;
        }
        return NONE;
    }

    /**
     * A URI parameter among {@code ;name=value} pairs that run from {@code from} (a semicolon) to {@code to}: the span
     * of its value, trimmed; {@link #NONE} when absent or without a value.
     */
    static long uriParameter(byte[] bytes, int from, int to, String name) {
        for (int start = from; start < to; ) {
            int end = indexOf(bytes, start, to, (byte) ';');
            end = (end < 0) ? to : end;
            int equals = indexOf(bytes, start, end, (byte) '=');
            if (equals > start && equalsIgnoreCase(bytes, trimStart(bytes, start, equals), trimEnd(bytes, start, equals), name)) {
                int valueStart = trimStart(bytes, equals + 1, end);
                return span(valueStart, trimEnd(bytes, valueStart, end));
            }
            start = end + 1;
        }
        return NONE;
    }

    /** Where the list entry starting at from ends: the next comma outside quotes and angle brackets, or to; -1 if unbalanced. */
    static int entryEnd(byte[] bytes, int from, int to) {
        boolean quoted = false;
        boolean bracketed = false;
        for (int i = from; i < to; i++) {
            byte c = bytes[i];
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '<') {
                bracketed = true;
            } else if (c == '>') {
                bracketed = false;
            } else if (c == ',' && !bracketed) {
                return i;
            }
        }
        return (quoted || bracketed) ? -1 : to;
    }
}
