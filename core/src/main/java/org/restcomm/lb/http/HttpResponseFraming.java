package org.restcomm.lb.http;

import java.nio.ByteBuffer;

/**
 * Where a node's answer on the fast path ends: its head (status, Content-Length, chunked, Connection), then its body
 * followed byte by byte as it is relayed, so that the node's connection can carry the next request. An answer whose
 * framing is not beyond doubt is {@link #BAD}: the node's connection is not reused, and the client's is closed once
 * anything of the answer went out.
 */
final class HttpResponseFraming {

    static final int INCOMPLETE = 0;
    static final int HEAD = 1;
    static final int BAD = 2;

    private static final byte[] CONTENT_LENGTH = HttpRequestHead.lower("Content-Length");
    private static final byte[] TRANSFER_ENCODING = HttpRequestHead.lower("Transfer-Encoding");
    private static final byte[] CONNECTION = HttpRequestHead.lower("Connection");
    private static final byte[] CHUNKED = HttpRequestHead.lower("chunked");
    private static final byte[] CLOSE = HttpRequestHead.lower("close");
    private static final byte[] KEEP_ALIVE = HttpRequestHead.lower("keep-alive");
    private static final int MAX_DIGITS = 15;

    private static final int LENGTH = 0;
    private static final int CHUNKS = 1;
    private static final int UNTIL_CLOSE = 2;

    // chunked body states
    private static final int SIZE_FIRST = 0;
    private static final int SIZE = 1;
    private static final int EXTENSION = 2;
    private static final int SIZE_LF = 3;
    private static final int DATA = 4;
    private static final int DATA_CR = 5;
    private static final int DATA_LF = 6;
    private static final int TRAILER_START = 7;
    private static final int TRAILER = 8;
    private static final int TRAILER_LF = 9;
    private static final int LAST_LF = 10;

    /** The header line being read: name start and end, value start and end. */
    private final int[] line = new int[4];
    private int status;
    private int headEnd;
    private int body;
    private long remaining;
    private boolean keepAlive;
    private boolean closeAsked;
    private int chunkState;
    private int sizeDigits;
    private long bodyBytes;

    /**
     * Reads a head starting at {@code from}.
     *
     * @param noBody the request was a HEAD: whatever the head says, no body follows
     */
    int parseHead(ByteBuffer in, int from, int to, boolean noBody) {
        // "HTTP/1.x ddd"
        if (to - from < 14) {
            return INCOMPLETE;
        }
        if (in.get(from) != 'H' || in.get(from + 1) != 'T' || in.get(from + 2) != 'T' || in.get(from + 3) != 'P' || in.get(from + 4) != '/'
                || in.get(from + 5) != '1' || in.get(from + 6) != '.' || in.get(from + 8) != ' ') {
            return BAD;
        }
        byte minor = in.get(from + 7);
        if (minor != '0' && minor != '1') {
            return BAD;
        }
        int status = 0;
        for (int i = from + 9; i < from + 12; i++) {
            byte b = in.get(i);
            if (b < '0' || b > '9') {
                return BAD;
            }
            status = status * 10 + (b - '0');
        }
        int i = from + 12;
        while (in.get(i) != '\r') {
            // the reason phrase: any text, obs-text included
            if (!HttpRequestHead.isFieldByte(in.get(i), true)) {
                return BAD;
            }
            if (++i == to) {
                return INCOMPLETE;
            }
        }
        boolean keepAlive = minor == '1';
        boolean closeAsked = false;
        long length = -1;
        boolean chunked = false;
        for (;;) {
            if (i + 1 >= to) {
                return INCOMPLETE;
            }
            if (in.get(i + 1) != '\n') {
                return BAD;
            }
            i += 2;
            if (i == to) {
                return INCOMPLETE;
            }
            if (in.get(i) == '\r') {
                if (i + 1 == to) {
                    return INCOMPLETE;
                }
                if (in.get(i + 1) != '\n') {
                    return BAD;
                }
                i += 2;
                break;
            }
            int next = HttpRequestHead.headerLine(in, i, to, true, this.line, 0);
            if (next < 0) {
                return (next == HttpRequestHead.LINE_INCOMPLETE) ? INCOMPLETE : BAD;
            }
            int nameStart = this.line[0];
            int nameEnd = this.line[1];
            int valueStart = this.line[2];
            int valueEnd = this.line[3];
            // from here on i is where the line's CR is: the loop's head checks its LF
            i = next - 2;
            if (is(in, nameStart, nameEnd, CONTENT_LENGTH)) {
                long value = digits(in, valueStart, valueEnd);
                if (value < 0 || (length >= 0 && length != value)) {
                    return BAD;
                }
                length = value;
            } else if (is(in, nameStart, nameEnd, TRANSFER_ENCODING)) {
                // only plain chunked is followed; a list of codings, or a second header, is not
                if (chunked || !is(in, valueStart, valueEnd, CHUNKED)) {
                    return BAD;
                }
                chunked = true;
            } else if (is(in, nameStart, nameEnd, CONNECTION)) {
                if (contains(in, valueStart, valueEnd, CLOSE)) {
                    keepAlive = false;
                    closeAsked = true;
                } else if (!closeAsked && contains(in, valueStart, valueEnd, KEEP_ALIVE)) {
                    keepAlive = true;
                }
            }
        }
        if (chunked && length >= 0) {
            return BAD;
        }
        this.status = status;
        this.headEnd = i;
        this.keepAlive = keepAlive;
        this.closeAsked = closeAsked;
        this.chunkState = SIZE_FIRST;
        this.sizeDigits = 0;
        this.bodyBytes = 0;
        if (noBody || status < 200 || status == 204 || status == 304) {
            this.body = LENGTH;
            this.remaining = 0;
        } else if (chunked) {
            this.body = CHUNKS;
        } else if (length >= 0) {
            this.body = LENGTH;
            this.remaining = length;
        } else {
            this.body = UNTIL_CLOSE;
            this.keepAlive = false;
        }
        return HEAD;
    }

    int status() {
        return this.status;
    }

    /** Whether the answer is an interim one (1xx), another head following it. */
    boolean interim() {
        return this.status < 200;
    }

    int headEnd() {
        return this.headEnd;
    }

    /** The body's bytes followed so far, without chunk sizes and trailers: what Undertow counts as sent. */
    long bodyBytes() {
        return this.bodyBytes;
    }

    /** Whether the node keeps its connection after this answer. */
    boolean keepAlive() {
        return this.keepAlive;
    }

    /** Whether the answer says {@code Connection: close}: the client is told its connection ends with it. */
    boolean closeAsked() {
        return this.closeAsked;
    }

    /** Whether the body ends only when the node closes its connection. */
    boolean untilClose() {
        return this.body == UNTIL_CLOSE;
    }

    /**
     * Follows body bytes from {@code from}.
     *
     * @return where the answer ended, {@code -1} when it goes on past {@code to}, {@code -2} for a malformed chunk
     */
    int body(ByteBuffer in, int from, int to) {
        if (this.body == UNTIL_CLOSE) {
            this.bodyBytes += to - from;
            return -1;
        }
        if (this.body == LENGTH) {
            long available = to - from;
            if (this.remaining <= available) {
                int end = from + (int) this.remaining;
                this.bodyBytes += this.remaining;
                this.remaining = 0;
                return end;
            }
            this.bodyBytes += available;
            this.remaining -= available;
            return -1;
        }
        int i = from;
        while (i < to) {
            byte b = in.get(i);
            switch (this.chunkState) {
                case SIZE_FIRST, SIZE -> {
                    int digit = Character.digit(b, 16);
                    if (digit >= 0 && b < 0x7f) {
                        if (++this.sizeDigits > MAX_DIGITS) {
                            return -2;
                        }
                        this.remaining = (this.chunkState == SIZE_FIRST ? 0 : this.remaining * 16) + digit;
                        this.chunkState = SIZE;
                    } else if (this.chunkState == SIZE && (b == ';' || HttpRequestHead.isSpace(b))) {
                        this.chunkState = EXTENSION;
                    } else if (this.chunkState == SIZE && b == '\r') {
                        this.chunkState = SIZE_LF;
                    } else {
                        return -2;
                    }
                    i++;
                }
                case EXTENSION -> {
                    if (b == '\r') {
                        this.chunkState = SIZE_LF;
                    } else if (b < 0x20 && b != '\t' || b == 0x7f) {
                        return -2;
                    }
                    i++;
                }
                case SIZE_LF -> {
                    if (b != '\n') {
                        return -2;
                    }
                    this.sizeDigits = 0;
                    this.chunkState = (this.remaining == 0) ? TRAILER_START : DATA;
                    i++;
                }
                case DATA -> {
                    long skipped = Math.min(this.remaining, to - i);
                    i += (int) skipped;
                    this.remaining -= skipped;
                    this.bodyBytes += skipped;
                    if (this.remaining == 0) {
                        this.chunkState = DATA_CR;
                    }
                }
                case DATA_CR -> {
                    if (b != '\r') {
                        return -2;
                    }
                    this.chunkState = DATA_LF;
                    i++;
                }
                case DATA_LF -> {
                    if (b != '\n') {
                        return -2;
                    }
                    this.chunkState = SIZE_FIRST;
                    i++;
                }
                case TRAILER_START -> {
                    this.chunkState = (b == '\r') ? LAST_LF : TRAILER;
                    i++;
                }
                case TRAILER -> {
                    if (b == '\r') {
                        this.chunkState = TRAILER_LF;
                    }
                    i++;
                }
                case TRAILER_LF -> {
                    if (b != '\n') {
                        return -2;
                    }
                    this.chunkState = TRAILER_START;
                    i++;
                }
                default -> {
                    // LAST_LF
                    if (b != '\n') {
                        return -2;
                    }
                    return i + 1;
                }
            }
        }
        return -1;
    }

    private static boolean is(ByteBuffer in, int from, int to, byte[] lowerCase) {
        if (to - from != lowerCase.length) {
            return false;
        }
        for (int i = 0; i < lowerCase.length; i++) {
            byte b = in.get(from + i);
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    /** Whether a comma-separated list holds the token. */
    private static boolean contains(ByteBuffer in, int from, int to, byte[] lowerCase) {
        int elementStart = from;
        for (int i = from; i <= to; i++) {
            if (i == to || in.get(i) == ',') {
                int s = elementStart;
                int e = i;
                while (s < e && HttpRequestHead.isSpace(in.get(s))) {
                    s++;
                }
                while (e > s && HttpRequestHead.isSpace(in.get(e - 1))) {
                    e--;
                }
                if (is(in, s, e, lowerCase)) {
                    return true;
                }
                elementStart = i + 1;
            }
        }
        return false;
    }

    /** A Content-Length value, -1 when it is not plain digits. */
    private static long digits(ByteBuffer in, int from, int to) {
        if (from == to || to - from > MAX_DIGITS) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            byte b = in.get(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }
}
