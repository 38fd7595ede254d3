package org.restcomm.lb.sip;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.restcomm.lb.algorithm.SipMessageView;

/**
 * A SIP datagram framed in place: the start line and the offsets of each header line, nothing parsed that routing
 * does not ask for. {@link #frame} returns null for anything unusual (folded lines, bare LF, a body that disagrees
 * with Content-Length, missing mandatory headers); the caller then hands the message to jain-sip's full parser.
 */
final class RawSipMessage implements SipMessageView {

    static final int MAX_HEADERS = 96;
    private static final byte OUTSIDE_DIALOG = 1;
    private static final byte IN_DIALOG = 2;
    /** Names every call carries, matched without allocating a String per header line. */
    private static final String[] KNOWN_NAMES = { "via", "from", "to", "call-id", "cseq", "max-forwards", "contact", "content-length",
        "content-type", "route", "record-route", "user-agent", "allow", "supported", "expires", "subject", "accept", "date", "server" };

    byte[] bytes;
    int length;
    boolean request;
    /** The request method, or null for a response. */
    String method;
    int statusCode;
    /** End of the start line, before its CRLF. */
    int startLineEnd;
    int headerCount;
    /** Canonical lower-case names (compact forms expanded). */
    final String[] names = new String[MAX_HEADERS];
    final int[] lineStart = new int[MAX_HEADERS];
    final int[] valueStart = new int[MAX_HEADERS];
    final int[] valueEnd = new int[MAX_HEADERS];
    /** Start of the next line, after this header's CRLF. */
    final int[] lineEnd = new int[MAX_HEADERS];
    /** Where the empty line that ends the headers starts. */
    int headersEnd;
    int bodyStart;
    /** Read once when first asked: the algorithm, the rules and the statistics ask for them again and again. */
    private String callId;
    private String responseMethod;
    private byte dialogState;

    /** A datagram framed into a message of its own. */
    static RawSipMessage frame(byte[] bytes, int length) {
        return new RawSipMessage().read(bytes, length);
    }

    /**
     * Frames the datagram into this message, which a receiving thread keeps from one datagram to the next: framing
     * then allocates nothing. Returns this, valid until the next datagram is read into it, or null when the datagram
     * is unusual.
     */
    RawSipMessage read(byte[] bytes, int length) {
        this.callId = null;
        this.responseMethod = null;
        this.dialogState = 0;
        int startLineEnd = lineEnd(bytes, 0, length);
        if (startLineEnd < 0) {
            return null;
        }
        boolean request;
        String method = null;
        int status = 0;
        if (startsWith(bytes, 0, "SIP/2.0 ")) {
            request = false;
            if (startLineEnd < 11) {
                return null;
            }
            status = digit(bytes[8]) * 100 + digit(bytes[9]) * 10 + digit(bytes[10]);
            if (status < 100 || status > 699) {
                return null;
            }
        } else {
            request = true;
            int space = SipBytes.indexOf(bytes, 0, startLineEnd, (byte) ' ');
            // a Request-URI between method and version, or the grammar's 400
            if (space <= 0 || !endsWith(bytes, startLineEnd, " SIP/2.0") || space + 1 >= startLineEnd - " SIP/2.0".length()) {
                return null;
            }
            method = method(bytes, space);
        }
        String[] names = this.names;
        int[] lineStart = this.lineStart;
        int[] valueStart = this.valueStart;
        int[] valueEnd = this.valueEnd;
        int[] lineEnds = this.lineEnd;
        int count = 0;
        int position = startLineEnd + 2;
        while (true) {
            int end = lineEnd(bytes, position, length);
            if (end < 0) {
                return null;
            }
            if (end == position) {
                break;
            }
            byte first = bytes[position];
            if (first == ' ' || first == '\t' || count == MAX_HEADERS) {
                // folded header lines and header floods are jain-sip's business
                return null;
            }
            int colon = SipBytes.indexOf(bytes, position, end, (byte) ':');
            if (colon < 0) {
                return null;
            }
            names[count] = canonicalName(bytes, position, trimEnd(bytes, position, colon));
            lineStart[count] = position;
            valueStart[count] = trimStart(bytes, colon + 1, end);
            valueEnd[count] = trimEnd(bytes, valueStart[count], end);
            lineEnds[count] = end + 2;
            count++;
            position = end + 2;
        }
        this.bytes = bytes;
        this.length = length;
        this.request = request;
        this.method = method;
        this.statusCode = status;
        this.startLineEnd = startLineEnd;
        this.headerCount = count;
        this.headersEnd = position;
        this.bodyStart = position + 2;
        if (this.contentLength() != length - this.bodyStart || this.count("content-length") != 1 || this.index("via") < 0 || this.index("call-id") < 0
                || this.index("cseq") < 0 || this.index("from") < 0 || this.index("to") < 0 || (request && !this.cseqMatches())) {
            return null;
        }
        return this;
    }

    /** Whether the CSeq names the request line's method: anything else is the grammar's business (400). */
    private boolean cseqMatches() {
        int index = this.index("cseq");
        int space = SipBytes.lastIndexOf(this.bytes, this.valueStart[index], this.valueEnd[index], (byte) ' ');
        return space > this.valueStart[index] && this.valueEnd[index] - space - 1 == this.method.length()
                && SipBytes.startsWith(this.bytes, space + 1, this.valueEnd[index], this.method);
    }

    /** The index of the first header with this canonical name, or -1. */
    int index(String name) {
        for (int i = 0; i < this.headerCount; i++) {
            if (this.names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    int count(String name) {
        int count = 0;
        for (int i = 0; i < this.headerCount; i++) {
            if (this.names[i].equals(name)) {
                count++;
            }
        }
        return count;
    }

    String value(int index) {
        return new String(this.bytes, this.valueStart[index], this.valueEnd[index] - this.valueStart[index], StandardCharsets.UTF_8);
    }

    String value(String name) {
        int index = this.index(name);
        return (index < 0) ? null : this.value(index);
    }

    /** Content-Length as declared; -1 when absent or not a number. */
    int contentLength() {
        int index = this.index("content-length");
        if (index < 0) {
            return -1;
        }
        int value = 0;
        for (int i = this.valueStart[index]; i < this.valueEnd[index]; i++) {
            int digit = this.bytes[i] - '0';
            if (digit < 0 || digit > 9 || value > 1_000_000) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return (this.valueEnd[index] > this.valueStart[index]) ? value : -1;
    }

    /** Max-Forwards as declared; -1 when absent or not a number. */
    int maxForwards() {
        int index = this.index("max-forwards");
        if (index < 0 || this.valueEnd[index] == this.valueStart[index] || this.valueEnd[index] - this.valueStart[index] > 3) {
            return -1;
        }
        int value = 0;
        for (int i = this.valueStart[index]; i < this.valueEnd[index]; i++) {
            int digit = this.bytes[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    String requestUri() {
        int space = SipBytes.indexOf(this.bytes, 0, this.startLineEnd, (byte) ' ');
        return new String(this.bytes, space + 1, this.startLineEnd - " SIP/2.0".length() - space - 1, StandardCharsets.UTF_8);
    }

    @Override
    public String callId() {
        if (this.callId == null) {
            this.callId = this.value("call-id");
        }
        return this.callId;
    }

    @Override
    public String method() {
        if (this.request) {
            return this.method;
        }
        if (this.responseMethod == null) {
            int index = this.index("cseq");
            int from = SipBytes.lastIndexOf(this.bytes, this.valueStart[index], this.valueEnd[index], (byte) ' ') + 1;
            int to = this.valueEnd[index];
            this.responseMethod = knownMethod(this.bytes, Math.max(from, this.valueStart[index]), to);
        }
        return this.responseMethod;
    }

    @Override
    public String header(String name) {
        return this.value(name.toLowerCase(Locale.ROOT));
    }

    @Override
    public String fromUser() {
        return user(this.value("from"));
    }

    @Override
    public String toUser() {
        return user(this.value("to"));
    }

    @Override
    public boolean inDialog() {
        if (this.dialogState == 0) {
            int to = this.index("to");
            this.dialogState = (SipBytes.parameter(this.bytes, this.valueStart[to], this.valueEnd[to], "tag") != SipBytes.NONE) ? IN_DIALOG : OUTSIDE_DIALOG;
        }
        return this.dialogState == IN_DIALOG;
    }

    /** The user part of the sip/sips URI in a name-addr or addr-spec; null when there is none. */
    static String user(String address) {
        if (address == null) {
            return null;
        }
        int open = address.indexOf('<');
        String uri = (open >= 0) ? address.substring(open + 1, Math.max(open + 1, address.indexOf('>', open))) : address;
        int colon = uri.indexOf(':');
        int at = uri.indexOf('@');
        if (colon < 0 || at < colon) {
            return null;
        }
        String scheme = uri.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        return (scheme.equals("sip") || scheme.equals("sips")) ? uri.substring(colon + 1, at) : null;
    }

    /**
     * A header parameter (after the address, outside angle brackets), e.g. the To tag or a Via branch; "" for a
     * parameter without value, null when absent.
     */
    static String parameter(String value, String name) {
        if (value == null) {
            return null;
        }
        int close = value.lastIndexOf('>');
        int semicolon = value.indexOf(';', (close >= 0) ? close + 1 : 0);
        // a scan, not substrings: this runs several times for every message on the fast path
        while (semicolon >= 0) {
            int next = value.indexOf(';', semicolon + 1);
            int end = (next < 0) ? value.length() : next;
            int keyStart = skipSpaces(value, semicolon + 1, end);
            int equals = value.indexOf('=', keyStart);
            int keyEnd = trimSpaces(value, keyStart, (equals >= 0 && equals < end) ? equals : end);
            if (keyEnd - keyStart == name.length() && value.regionMatches(true, keyStart, name, 0, name.length())) {
                if (equals < 0 || equals >= end) {
                    return "";
                }
                int valueStart = skipSpaces(value, equals + 1, end);
                return value.substring(valueStart, trimSpaces(value, valueStart, end));
            }
            semicolon = next;
        }
        return null;
    }

    private static int skipSpaces(String text, int from, int to) {
        while (from < to && text.charAt(from) <= ' ') {
            from++;
        }
        return from;
    }

    private static int trimSpaces(String text, int from, int to) {
        while (to > from && text.charAt(to - 1) <= ' ') {
            to--;
        }
        return to;
    }

    private static String canonicalName(byte[] bytes, int from, int to) {
        String compact = (to - from == 1) ? SipHeaderSection.compactName(bytes[from]) : null;
        if (compact != null) {
            return compact;
        }
        for (String known : KNOWN_NAMES) {
            if (equalsIgnoreCase(bytes, from, to, known)) {
                return known;
            }
        }
        return new String(bytes, from, to - from, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
    }

    private static boolean equalsIgnoreCase(byte[] bytes, int from, int to, String lowerCase) {
        if (to - from != lowerCase.length()) {
            return false;
        }
        for (int i = 0; i < lowerCase.length(); i++) {
            byte b = bytes[from + i];
            if (b >= 'A' && b <= 'Z') {
                b += 'a' - 'A';
            }
            if (b != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String method(byte[] bytes, int length) {
        return knownMethod(bytes, 0, length);
    }

    /** The method's constant for the usual ones, so that a message's method costs no String. */
    private static String knownMethod(byte[] bytes, int from, int to) {
        return switch (to - from) {
            case 3 -> startsWith(bytes, from, "ACK") ? "ACK" : startsWith(bytes, from, "BYE") ? "BYE" : text(bytes, from, to);
            case 6 -> startsWith(bytes, from, "INVITE") ? "INVITE" : startsWith(bytes, from, "CANCEL") ? "CANCEL" : text(bytes, from, to);
            default -> text(bytes, from, to);
        };
    }

    private static String text(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.US_ASCII);
    }

    /** The index of the CR of the CRLF ending the line at {@code from}; -1 when there is none or a bare LF comes first. */
    private static int lineEnd(byte[] bytes, int from, int length) {
        for (int i = from; i < length; i++) {
            if (bytes[i] == '\n') {
                return -1;
            }
            if (bytes[i] == '\r') {
                return (i + 1 < length && bytes[i + 1] == '\n') ? i : -1;
            }
        }
        return -1;
    }

    private static int trimStart(byte[] bytes, int from, int to) {
        while (from < to && (bytes[from] == ' ' || bytes[from] == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimEnd(byte[] bytes, int from, int to) {
        while (to > from && (bytes[to - 1] == ' ' || bytes[to - 1] == '\t')) {
            to--;
        }
        return to;
    }

    private static boolean startsWith(byte[] bytes, int from, String prefix) {
        if (bytes.length - from < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (bytes[from + i] != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean endsWith(byte[] bytes, int end, String suffix) {
        return end >= suffix.length() && startsWith(bytes, end - suffix.length(), suffix);
    }

    private static int digit(byte b) {
        return (b >= '0' && b <= '9') ? b - '0' : -1000;
    }
}
