package org.restcomm.lb.http;

import java.nio.ByteBuffer;

/**
 * The head of an HTTP/1.1 request as {@link HttpFastPath} takes it, framed in place in the bytes read: offsets, no
 * strings. The grammar is strict on purpose: whatever HTTP does not allow, or whose framing two parsers could read
 * two ways (request smuggling), is {@link #NOT_FAST} and left, byte for byte, to Undertow, which answers or proxies
 * it as it always did. Only requests whose whole meaning this class understands are fast.
 */
final class HttpRequestHead {

    static final int INCOMPLETE = 0;
    static final int FAST = 1;
    static final int NOT_FAST = 2;

    /** What {@link #headerLine} answers for a line that has not all arrived, and for one outside the grammar. */
    static final int LINE_INCOMPLETE = -1;
    static final int LINE_BAD = -2;

    /** More headers than this: Undertow's. */
    static final int MAX_HEADERS = 64;

    static final int OTHER = 0;
    static final int HOST = 1;
    static final int CONTENT_LENGTH = 2;
    static final int TRANSFER_ENCODING = 3;
    static final int CONNECTION = 4;
    static final int UPGRADE = 5;
    static final int EXPECT = 6;
    static final int HTTP2_SETTINGS = 7;
    static final int COOKIE = 8;
    static final int X_FORWARDED_FOR = 9;
    static final int FORWARDED = 10;
    /** X-Forwarded-Proto, -Host, -Port, -Server: the balancer's to tell, replaced. */
    static final int FORWARDING_CLAIM = 11;
    private static final int KINDS = 12;

    private static final byte[][] NAMES = { null, lower("Host"), lower("Content-Length"), lower("Transfer-Encoding"), lower("Connection"),
            lower("Upgrade"), lower("Expect"), lower("HTTP2-Settings"), lower("Cookie"), lower("X-Forwarded-For"), lower("Forwarded") };
    private static final byte[][] CLAIMS = { lower("X-Forwarded-Proto"), lower("X-Forwarded-Host"), lower("X-Forwarded-Port"),
            lower("X-Forwarded-Server") };
    private static final byte[] VERSION = ascii(" HTTP/1.1\r\n");
    private static final byte[] KEEP_ALIVE = lower("keep-alive");
    private static final int MAX_METHOD = 16;
    /** Content-Length digits: more would overflow, and no fast request is that large. */
    private static final int MAX_LENGTH_DIGITS = 15;

    private static final boolean[] TOKEN = new boolean[128];
    private static final boolean[] TARGET = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = TARGET[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = TARGET[c] = true;
            TOKEN[c - 32] = TARGET[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        // RFC 3986 path and query characters, without '%' (Undertow decodes the path algorithms see), ';' (path
        // parameters carry session ids) and '+' (a space in a decoded query)
        for (char c : "-._~!$&'()*,=:@/?".toCharArray()) {
            TARGET[c] = true;
        }
    }

    private ByteBuffer in;
    private int start;
    private int methodEnd;
    private int targetStart;
    private int targetEnd;
    private int queryStart;
    private int headEnd;
    private long contentLength;
    private int headerCount;
    /** Per header: name start, name end, value start, value end. */
    private final int[] lines = new int[MAX_HEADERS * 4];
    private final int[] kinds = new int[MAX_HEADERS];
    private final int[] counts = new int[KINDS];
    /** The index of the last header of each kind, -1 when none. */
    private final int[] last = new int[KINDS];

    /**
     * Frames the request starting at {@code start}.
     *
     * @param limit the end of the bytes read so far
     * @return {@link #FAST}, {@link #NOT_FAST}, or {@link #INCOMPLETE} when the head has not all arrived
     */
    int parse(ByteBuffer buffer, int start, int limit) {
        this.in = buffer;
        this.start = start;
        this.headerCount = 0;
        this.queryStart = -1;
        this.contentLength = 0;
        java.util.Arrays.fill(this.counts, 0);
        java.util.Arrays.fill(this.last, -1);
        int i = scan(buffer, start, limit, TOKEN, (byte) ' ');
        if (i < 0) {
            return (i == LINE_INCOMPLETE) ? INCOMPLETE : NOT_FAST;
        }
        if (i == start || i - start > MAX_METHOD || this.bytesAre(start, i, "CONNECT")) {
            return NOT_FAST;
        }
        this.methodEnd = i++;
        this.targetStart = i;
        if (i == limit) {
            return INCOMPLETE;
        }
        if (buffer.get(i) != '/') {
            // absolute-form, authority-form, asterisk-form: Undertow's
            return NOT_FAST;
        }
        int targetEnd = scan(buffer, i, limit, TARGET, (byte) ' ');
        if (targetEnd < 0) {
            return (targetEnd == LINE_INCOMPLETE) ? INCOMPLETE : NOT_FAST;
        }
        for (; i < targetEnd && this.queryStart < 0; i++) {
            if (buffer.get(i) == '?') {
                this.queryStart = i + 1;
            }
        }
        i = targetEnd;
        this.targetEnd = i;
        for (byte expected : VERSION) {
            if (i == limit) {
                return INCOMPLETE;
            }
            if (buffer.get(i++) != expected) {
                return NOT_FAST;
            }
        }
        for (;;) {
            if (i == limit) {
                return INCOMPLETE;
            }
            if (buffer.get(i) == '\r') {
                if (i + 1 == limit) {
                    return INCOMPLETE;
                }
                if (buffer.get(i + 1) != '\n') {
                    return NOT_FAST;
                }
                this.headEnd = i + 2;
                return this.framing();
            }
            if (this.headerCount == MAX_HEADERS) {
                return NOT_FAST;
            }
            int index = this.headerCount;
            int next = headerLine(buffer, i, limit, false, this.lines, index * 4);
            if (next < 0) {
                return (next == LINE_INCOMPLETE) ? INCOMPLETE : NOT_FAST;
            }
            this.headerCount++;
            int nameStart = this.lines[index * 4];
            int nameEnd = this.lines[index * 4 + 1];
            int kind = this.kindOf(nameStart, nameEnd);
            this.kinds[index] = kind;
            this.counts[kind]++;
            this.last[kind] = index;
            i = next;
        }
    }

    /**
     * Frames the header line at {@code i}: name start, name end, value start and value end (the value without the
     * spaces around it) go into {@code line} from {@code at}. A line starting with a space or tab (obsolete folding),
     * a space before the colon, a control byte or a bare CR or LF makes it bad.
     *
     * @param obsText whether bytes 0x80-0xFF may be in the value: answers may carry them, fast requests may not
     * @return the index after the line's CRLF, {@link #LINE_INCOMPLETE} or {@link #LINE_BAD}
     */
    static int headerLine(ByteBuffer in, int i, int limit, boolean obsText, int[] line, int at) {
        int nameStart = i;
        i = scan(in, i, limit, TOKEN, (byte) ':');
        if (i < 0) {
            return i;
        }
        int nameEnd = i++;
        while (i < limit && isSpace(in.get(i))) {
            i++;
        }
        int valueStart = i;
        int valueEnd = i;
        for (;; i++) {
            if (i == limit) {
                return LINE_INCOMPLETE;
            }
            byte b = in.get(i);
            if (b == '\r') {
                break;
            }
            if (!isFieldByte(b, obsText)) {
                return LINE_BAD;
            }
            if (!isSpace(b)) {
                valueEnd = i + 1;
            }
        }
        if (i + 1 == limit) {
            return LINE_INCOMPLETE;
        }
        if (in.get(i + 1) != '\n' || nameStart == nameEnd) {
            return LINE_BAD;
        }
        line[at] = nameStart;
        line[at + 1] = nameEnd;
        line[at + 2] = valueStart;
        line[at + 3] = valueEnd;
        return i + 2;
    }

    /**
     * Skips bytes of a table up to the delimiter.
     *
     * @return the delimiter's index, {@link #LINE_INCOMPLETE} when the bytes end first, {@link #LINE_BAD} for a byte
     *         outside the table
     */
    private static int scan(ByteBuffer in, int i, int limit, boolean[] table, byte delimiter) {
        for (;; i++) {
            if (i == limit) {
                return LINE_INCOMPLETE;
            }
            byte b = in.get(i);
            if (b == delimiter) {
                return i;
            }
            if (!is(table, b)) {
                return LINE_BAD;
            }
        }
    }

    /** Visible ASCII, space and tab; obs-text only when allowed. No NUL, no other control, no bare CR or LF. */
    static boolean isFieldByte(byte b, boolean obsText) {
        return (b >= 0x20 && b != 0x7f) || b == '\t' || (b < 0 && obsText);
    }

    /** Whether the request's length and meaning are beyond doubt, and nothing in it asks for what only Undertow does. */
    private int framing() {
        int[] count = this.counts;
        if (count[HOST] != 1 || !this.hostIsPlain(this.last[HOST]) || count[TRANSFER_ENCODING] > 0 || count[UPGRADE] > 0
                || count[EXPECT] > 0 || count[HTTP2_SETTINGS] > 0 || count[CONTENT_LENGTH] > 1 || count[CONNECTION] > 1
                || count[COOKIE] > 1 || count[X_FORWARDED_FOR] > 1 || count[FORWARDED] > 1) {
            return NOT_FAST;
        }
        if (count[CONNECTION] == 1 && !this.valueIs(this.last[CONNECTION], KEEP_ALIVE)) {
            // close, upgrade or hop-by-hop header names: Undertow keeps the node's connection and drops what it must
            return NOT_FAST;
        }
        if (count[CONTENT_LENGTH] == 1) {
            int at = this.last[CONTENT_LENGTH] * 4;
            int from = this.lines[at + 2];
            int to = this.lines[at + 3];
            if (to == from || to - from > MAX_LENGTH_DIGITS) {
                return NOT_FAST;
            }
            long length = 0;
            for (int i = from; i < to; i++) {
                byte b = this.in.get(i);
                if (b < '0' || b > '9') {
                    // signs, spaces inside, hex, lists: ambiguous
                    return NOT_FAST;
                }
                length = length * 10 + (b - '0');
            }
            this.contentLength = length;
        }
        return FAST;
    }

    /**
     * Whether the Host is a name or IPv4 address (letters, digits, '-', '.', '_', '~') or a bracketed IPv6 address,
     * with an optional port of digits: anything else (a path, spaces, two ports) is for Undertow to refuse, not for
     * the node to build its links with.
     */
    private boolean hostIsPlain(int header) {
        int from = this.lines[header * 4 + 2];
        int to = this.lines[header * 4 + 3];
        if (from == to) {
            return false;
        }
        int i = from;
        if (this.in.get(i) == '[') {
            for (i++; i < to && this.in.get(i) != ']'; i++) {
                byte b = this.in.get(i);
                if (!(b == ':' || b == '.' || (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'f'))) {
                    return false;
                }
            }
            if (i == to) {
                return false;
            }
            i++;
        } else {
            for (; i < to && this.in.get(i) != ':'; i++) {
                byte b = this.in.get(i);
                if (!(b == '-' || b == '.' || b == '_' || b == '~' || (b >= '0' && b <= '9') || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z'))) {
                    return false;
                }
            }
            if (i == from) {
                return false;
            }
        }
        if (i == to) {
            return true;
        }
        if (this.in.get(i) != ':' || i + 1 == to || to - i > 6) {
            return false;
        }
        for (i++; i < to; i++) {
            byte b = this.in.get(i);
            if (b < '0' || b > '9') {
                return false;
            }
        }
        return true;
    }

    private int kindOf(int from, int to) {
        int length = to - from;
        for (int kind = 1; kind < NAMES.length; kind++) {
            if (NAMES[kind].length == length && this.equalsIgnoreCase(from, NAMES[kind])) {
                return kind;
            }
        }
        for (byte[] claim : CLAIMS) {
            if (claim.length == length && this.equalsIgnoreCase(from, claim)) {
                return FORWARDING_CLAIM;
            }
        }
        return OTHER;
    }

    private boolean equalsIgnoreCase(int from, byte[] lowerCase) {
        for (int i = 0; i < lowerCase.length; i++) {
            byte b = this.in.get(from + i);
            if (b >= 'A' && b <= 'Z') {
                b += 32;
            }
            if (b != lowerCase[i]) {
                return false;
            }
        }
        return true;
    }

    private boolean valueIs(int header, byte[] lowerCase) {
        return this.valueLength(header) == lowerCase.length && this.equalsIgnoreCase(this.lines[header * 4 + 2], lowerCase);
    }

    boolean methodIs(String method) {
        return this.bytesAre(this.start, this.methodEnd, method);
    }

    private boolean bytesAre(int from, int to, String text) {
        if (to - from != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (this.in.get(from + i) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Where the request began in the buffer. */
    int start() {
        return this.start;
    }

    /** The first byte after the head: the body's, or the next request's. */
    int headEnd() {
        return this.headEnd;
    }

    /** The body's length; 0 without Content-Length. */
    long contentLength() {
        return this.contentLength;
    }

    int methodEnd() {
        return this.methodEnd;
    }

    int targetStart() {
        return this.targetStart;
    }

    int targetEnd() {
        return this.targetEnd;
    }

    /** Where the query begins after '?', -1 without one. */
    int queryStart() {
        return this.queryStart;
    }

    /** The first byte after the request line. */
    int requestLineEnd() {
        return this.targetEnd + VERSION.length;
    }

    int headerCount() {
        return this.headerCount;
    }

    int kind(int header) {
        return this.kinds[header];
    }

    int nameStart(int header) {
        return this.lines[header * 4];
    }

    int valueStart(int header) {
        return this.lines[header * 4 + 2];
    }

    int valueEnd(int header) {
        return this.lines[header * 4 + 3];
    }

    /** The header line's end, after its CRLF. */
    int lineEnd(int header) {
        int valueEnd = this.lines[header * 4 + 3];
        int i = valueEnd;
        while (this.in.get(i) != '\r') {
            i++;
        }
        return i + 2;
    }

    /** The only header of a kind (Host, Cookie, X-Forwarded-For, Forwarded), -1 when absent. */
    int header(int kind) {
        return this.last[kind];
    }

    int valueLength(int header) {
        return this.lines[header * 4 + 3] - this.lines[header * 4 + 2];
    }

    /** The value of a header as a string: for the algorithm's questions and the per-connection forwarding values. */
    String value(int header) {
        return this.string(this.valueStart(header), this.valueEnd(header));
    }

    /** The header, by name in any case, -1 when absent. */
    int headerNamed(String name) {
        byte[] lowerCase = lower(name);
        for (int header = 0; header < this.headerCount; header++) {
            if (this.lines[header * 4 + 1] - this.lines[header * 4] == lowerCase.length && this.equalsIgnoreCase(this.lines[header * 4], lowerCase)) {
                return header;
            }
        }
        return -1;
    }

    String string(int from, int to) {
        char[] chars = new char[to - from];
        for (int i = from; i < to; i++) {
            chars[i - from] = (char) (this.in.get(i) & 0xff);
        }
        return new String(chars);
    }

    ByteBuffer buffer() {
        return this.in;
    }

    private static boolean is(boolean[] table, byte b) {
        return b >= 0 && table[b];
    }

    /** Whether the byte may be part of a header name or method (RFC 9110 token). */
    static boolean isToken(byte b) {
        return is(TOKEN, b);
    }

    static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    static byte[] lower(String name) {
        return ascii(name.toLowerCase(java.util.Locale.ROOT));
    }

    static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
