package org.restcomm.lb.sip;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A message's start line and header section read by the grammar of RFC 3261 section 7 — lines unfolded, compact
 * names expanded — and judged before anything is relayed: exactly one Content-Length (equal repeats tolerated),
 * SIP/2.0 only, a CSeq method that matches the request line. Lines may end in CRLF or a bare LF, as jain-sip reads them.
 */
final class SipHeaderSection {

    static final String VERSION = "SIP/2.0";

    /** A message the balancer refuses: the status it answers a request with, and whether the stream lost its framing. */
    record Refusal(int status, String reason, boolean framingLost) {
    }

    /** One header line: its canonical lower-case name (compact form expanded), the name as written, its value trimmed. */
    record Header(String name, String rawName, String value) {
    }

    private final String startLine;
    private final List<Header> headers;

    private SipHeaderSection(String startLine, List<Header> headers) {
        this.startLine = startLine;
        this.headers = headers;
    }

    /** Reads bytes {@code [from, to)}: a start line and header lines up to (not including) the empty line. */
    static SipHeaderSection read(byte[] bytes, int from, int to) {
        List<String> lines = new ArrayList<>();
        int position = from;
        while (position < to) {
            int end = position;
            while (end < to && bytes[end] != '\n') {
                end++;
            }
            int lineEnd = (end > position && bytes[end - 1] == '\r') ? end - 1 : end;
            String line = new String(bytes, position, lineEnd - position, StandardCharsets.UTF_8);
            if (line.isEmpty()) {
                break;
            }
            if (!lines.isEmpty() && lines.size() > 1 && (line.charAt(0) == ' ' || line.charAt(0) == '\t')) {
                // a folded line continues the header before it
                lines.set(lines.size() - 1, lines.get(lines.size() - 1) + " " + line.trim());
            } else {
                lines.add(line);
            }
            position = end + 1;
        }
        List<Header> headers = new ArrayList<>(lines.size());
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            int colon = line.indexOf(':');
            String name = (colon < 0) ? line.trim() : line.substring(0, colon).trim();
            headers.add(new Header(canonicalName(name), name, (colon < 0) ? null : line.substring(colon + 1).trim()));
        }
        return new SipHeaderSection(lines.isEmpty() ? "" : lines.get(0), headers);
    }

    /**
     * The Content-Length of a header section {@code bytes[0, length)} that {@link #read} would pass
     * unchanged and {@link #normalized} would not need to rewrite for jain-sip: every line ends in CRLF, none is
     * folded or without a colon, Content-Length and Call-ID go by their full names, exactly one Content-Length of 1-9 digits
     * within the size limit, SIP/2.0 in the start line (after a Request-URI in a request's), a request's first CSeq a
     * number and the request's method.
     * -1 for any other section, and for a REGISTER (whose expiry the caller reads): {@link #read} judges those. Read
     * from the bytes in one pass; most messages are plain, and reading them into Strings cost a stream listener a
     * fifth of its time.
     */
    static int plainContentLength(byte[] bytes, int length, int maxMessageSize) {
        int lineEnd = lineEnd(bytes, 0, length);
        if (lineEnd < 0) {
            return -1;
        }
        int methodEnd = SipBytes.indexOf(bytes, 0, lineEnd, (byte) ' ');
        boolean request = !SipBytes.startsWithIgnoreCase(bytes, 0, lineEnd, "SIP/");
        if (!request && !SipBytes.startsWith(bytes, 0, lineEnd, VERSION + " ")) {
            // a status line of another version, or of this one in another case
            return -1;
        }
        if (request && (methodEnd <= 0 || lineEnd - methodEnd < VERSION.length() + 3
                || !SipBytes.startsWith(bytes, lineEnd - VERSION.length() - 1, lineEnd, " " + VERSION) || SipBytes.startsWith(bytes, 0, methodEnd, "REGISTER"))) {
            return -1;
        }
        int contentLength = -1;
        boolean cseqSeen = false;
        for (int start = lineEnd + 2;; ) {
            int end = lineEnd(bytes, start, length);
            if (end < 0) {
                return -1;
            }
            if (end == start) {
                // the empty line, which ends the section; without a Content-Length, read() judges it (streams need one)
                return (end + 2 == length) ? contentLength : -1;
            }
            int colon = SipBytes.indexOf(bytes, start, end, (byte) ':');
            if (bytes[start] == ' ' || bytes[start] == '\t' || colon <= start || SipBytes.trimEnd(bytes, start, colon) != colon
                    || (colon == start + 1 && compactName(bytes[start]) != null)) {
                // folded, no name, a name with blanks before its colon, a compact name: read() expands them
                return -1;
            }
            int valueStart = SipBytes.trimStart(bytes, colon + 1, end);
            int valueEnd = SipBytes.trimEnd(bytes, valueStart, end);
            if (SipBytes.equalsIgnoreCase(bytes, start, colon, "Content-Length")) {
                int value = SipBytes.decimal(bytes, valueStart, valueEnd);
                if (contentLength >= 0 || value < 0 || value > maxMessageSize) {
                    return -1;
                }
                contentLength = value;
            } else if (request && !cseqSeen && SipBytes.equalsIgnoreCase(bytes, start, colon, "CSeq")) {
                cseqSeen = true;
                int digitsEnd = valueStart;
                while (digitsEnd < valueEnd && bytes[digitsEnd] >= '0' && bytes[digitsEnd] <= '9') {
                    digitsEnd++;
                }
                int methodStart = digitsEnd;
                while (methodStart < valueEnd && (bytes[methodStart] == ' ' || bytes[methodStart] == '\t')) {
                    methodStart++;
                }
                if (digitsEnd == valueStart || methodStart == digitsEnd || !java.util.Arrays.equals(bytes, methodStart, valueEnd, bytes, 0, methodEnd)) {
                    return -1;
                }
            }
            start = end + 2;
        }
    }

    /** Where the line from {@code from} ends: the index of its CR, -1 when a bare LF or the end comes first. */
    private static int lineEnd(byte[] bytes, int from, int length) {
        int lf = SipBytes.indexOf(bytes, from, length, (byte) '\n');
        return (lf > from && bytes[lf - 1] == '\r') ? lf - 1 : -1;
    }

    boolean isRequest() {
        return !this.startLine.regionMatches(true, 0, "SIP/", 0, 4);
    }

    /** The request method, or null for a response. */
    String method() {
        if (!this.isRequest()) {
            return null;
        }
        int space = this.startLine.indexOf(' ');
        return (space > 0) ? this.startLine.substring(0, space) : this.startLine;
    }

    /** The SIP-Version of the start line: the last word of a request line, the first of a status line. */
    String version() {
        String line = this.startLine.trim();
        if (!this.isRequest()) {
            int space = line.indexOf(' ');
            return (space > 0) ? line.substring(0, space) : line;
        }
        int space = line.lastIndexOf(' ');
        return (space > 0) ? line.substring(space + 1) : "";
    }

    List<Header> headers() {
        return this.headers;
    }

    /** The value of the first header with this canonical name, or null. */
    String value(String name) {
        for (Header header : this.headers) {
            if (header.name().equals(name)) {
                return header.value();
            }
        }
        return null;
    }

    /** The declared body length; 0 without a Content-Length. Only meaningful once {@link #refusal} found nothing. */
    int contentLength() {
        String value = this.value("content-length");
        return (value != null) ? Integer.parseInt(value) : 0;
    }

    /**
     * How long a REGISTER asks to be registered: its Expires header, else the first Contact's expires parameter, else
     * RFC 3261's default of 3600 seconds; 0 unregisters.
     */
    long registrationExpiresSeconds() {
        String expires = this.value("expires");
        if (expires == null) {
            expires = RawSipMessage.parameter(this.value("contact"), "expires");
        }
        try {
            return (expires != null) ? Long.parseLong(expires.trim()) : 3600;
        } catch (NumberFormatException e) {
            return 3600;
        }
    }

    /** Why the balancer refuses this message, or null when it may be relayed. */
    Refusal refusal(int maxMessageSize) {
        String declared = null;
        for (Header header : this.headers) {
            if (!header.name().equals("content-length")) {
                continue;
            }
            String value = header.value();
            if (!isDigits(value) || value.length() > 9 || Integer.parseInt(value) > maxMessageSize) {
                return new Refusal(400, "Bad Content-Length", true);
            }
            if (declared != null && Integer.parseInt(declared) != Integer.parseInt(value)) {
                return new Refusal(400, "Conflicting Content-Length", true);
            }
            declared = value;
        }
        if (!VERSION.equalsIgnoreCase(this.version())) {
            return new Refusal(505, "Version Not Supported", false);
        }
        if (this.isRequest()) {
            String cseq = this.value("cseq");
            if (cseq != null) {
                String[] parts = cseq.split("[ \t]+");
                if (parts.length != 2 || !isDigits(parts[0]) || !parts[1].equals(this.method())) {
                    return new Refusal(400, "Bad CSeq", false);
                }
            }
        }
        return null;
    }

    /** The header section as jain-sip's stream framer needs it: Content-Length and Call-ID by their full names, once. */
    byte[] normalized() {
        return this.normalized(this.startLine, true);
    }

    /**
     * What jain-sip reads to answer a refused request: SIP/2.0 in the request line and no Content-Length (the body is not
     * read), whatever the refusal was about.
     */
    byte[] answerable() {
        String line = this.startLine.trim();
        int space = line.lastIndexOf(' ');
        return this.normalized(this.isRequest() && space > 0 ? line.substring(0, space + 1) + VERSION : this.startLine, false);
    }

    private byte[] normalized(String startLine, boolean withContentLength) {
        StringBuilder text = new StringBuilder(256).append(startLine).append("\r\n");
        // jain-sip's stream parser keeps the previous message's length when a message names none: it always gets one
        boolean contentLength = withContentLength && this.value("content-length") == null;
        if (contentLength) {
            text.append("Content-Length: 0\r\n");
        }
        for (Header header : this.headers) {
            switch (header.name()) {
                case "content-length" -> {
                    if (withContentLength && !contentLength) {
                        text.append("Content-Length: ").append(header.value()).append("\r\n");
                        contentLength = true;
                    }
                }
                case "call-id" -> text.append("Call-ID: ").append(header.value()).append("\r\n");
                default -> text.append(header.rawName()).append((header.value() == null) ? "" : ": " + header.value()).append("\r\n");
            }
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean isDigits(String value) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Compact forms expanded; other names lower-cased. */
    static String canonicalName(String name) {
        String expanded = (name.length() == 1) ? compactName(name.charAt(0)) : null;
        return (expanded != null) ? expanded : name.toLowerCase(Locale.ROOT);
    }

    /** The lower-case full name of a compact header name (RFC 3261 section 7.3.3 and later RFCs), or null. */
    static String compactName(int c) {
        return switch (Character.toLowerCase(c)) {
            case 'v' -> "via";
            case 'i' -> "call-id";
            case 'f' -> "from";
            case 't' -> "to";
            case 'm' -> "contact";
            case 'l' -> "content-length";
            case 'c' -> "content-type";
            case 'k' -> "supported";
            case 's' -> "subject";
            case 'e' -> "content-encoding";
            case 'o' -> "event";
            case 'r' -> "refer-to";
            case 'b' -> "referred-by";
            case 'u' -> "allow-events";
            case 'x' -> "session-expires";
            default -> null;
        };
    }
}
