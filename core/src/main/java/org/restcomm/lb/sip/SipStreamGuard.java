package org.restcomm.lb.sip;

import java.io.IOException;

/**
 * Frames a SIP byte stream the way jain-sip's NIO parser does (header lines up to an empty line, then
 * Content-Length bytes of body) and refuses what that parser would choke on: a Content-Length that is not a number,
 * is negative or exceeds the message size limit (jain-sip would allocate it whole before reading the body), and a
 * header section longer than that limit. One guard per connection; not thread-safe, as a connection is read by one
 * selector thread.
 */
final class SipStreamGuard {

    private static final byte[] CONTENT_LENGTH = "content-length".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final int maxMessageSize;
    private final byte[] line;
    private int lineLength;
    /** Bytes of the header section being read, line ends included; 0 between messages. */
    private int headerBytes;
    private boolean inMessage;
    private int contentLength;
    private int bodyLeft = -1;

    SipStreamGuard(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
        // a Content-Length line is all the guard needs to read whole; longer lines are only measured
        this.line = new byte[64];
    }

    /** Checks the next bytes of the stream; throws when the connection must be closed. */
    void check(byte[] bytes) throws IOException {
        int index = 0;
        while (index < bytes.length) {
            if (this.bodyLeft >= 0) {
                int taken = Math.min(this.bodyLeft, bytes.length - index);
                this.bodyLeft -= taken;
                index += taken;
                if (this.bodyLeft == 0) {
                    this.bodyLeft = -1;
                }
                continue;
            }
            byte next = bytes[index++];
            // jain-sip gives up once a message passes the limit; refusing first is what lets it be counted
            if (++this.headerBytes >= this.maxMessageSize) {
                throw new IOException("SIP header section longer than " + this.maxMessageSize + " bytes");
            }
            if (next == '\n') {
                this.endOfLine();
            } else if (next != '\r') {
                if (this.lineLength < this.line.length) {
                    this.line[this.lineLength] = next;
                }
                this.lineLength++;
            }
        }
    }

    private void endOfLine() throws IOException {
        if (this.lineLength == 0) {
            if (this.inMessage) {
                // end of the header section: the body follows, then the next message
                this.bodyLeft = this.contentLength > 0 ? this.contentLength : -1;
                this.contentLength = 0;
                this.inMessage = false;
            }
            // a blank line between messages (a keep-alive) starts nothing
            this.headerBytes = 0;
            return;
        }
        this.inMessage = true;
        if (this.isContentLength()) {
            this.contentLength = this.contentLengthValue();
        }
        this.lineLength = 0;
    }

    private boolean isContentLength() {
        if (this.lineLength <= CONTENT_LENGTH.length) {
            return false;
        }
        for (int i = 0; i < CONTENT_LENGTH.length; i++) {
            if ((this.line[i] | 0x20) != CONTENT_LENGTH[i]) {
                return false;
            }
        }
        return true;
    }

    private int contentLengthValue() throws IOException {
        if (this.lineLength > this.line.length) {
            throw new IOException("Content-Length line too long");
        }
        // jain-sip skips the one character after the name and trims the rest
        String value = new String(this.line, CONTENT_LENGTH.length + 1, this.lineLength - CONTENT_LENGTH.length - 1,
                java.nio.charset.StandardCharsets.US_ASCII).trim();
        int length;
        try {
            length = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IOException("Content-Length is not a number: " + value);
        }
        if (length < 0 || length > this.maxMessageSize) {
            throw new IOException("Content-Length " + length + " outside 0.." + this.maxMessageSize);
        }
        return length;
    }
}
