package org.restcomm.lb.sip;

import java.io.IOException;
import java.util.Arrays;

/**
 * Frames one connection's SIP byte stream by the grammar: header lines up to an empty line, then Content-Length bytes
 * of body. Each whole message is handed on with its framing headers normalized, because jain-sip's stream parser
 * frames by the literal names {@code Content-Length} and {@code Call-ID}: a compact {@code l: 5} made it forward a
 * body-less message with {@code Content-Length: 5} on the connection a node shares with other callers. A message the
 * grammar refuses goes to {@link Listener#refused}; when its framing is lost (a bad or conflicting Content-Length), or
 * a header section outgrows the message size limit, {@link #feed} throws and the connection must be closed. CR and LF
 * between messages (RFC 5626 keep-alives) pass through. Not thread-safe: one selector thread reads a connection.
 */
final class SipStreamFramer {

    /** Where framed messages go. */
    interface Listener {
        /**
         * A whole message: its header section as read (null when it was plain, see
         * {@link SipHeaderSection#plainContentLength}: never a REGISTER), and the normalized header section and body to hand on.
         */
        void message(SipHeaderSection section, byte[] message) throws Exception;

        /** CR and LF bytes between messages. */
        void keepAlive(byte[] bytes) throws Exception;

        /** A message the grammar refuses; its body, when its framing holds, is skipped. */
        void refused(SipHeaderSection section, SipHeaderSection.Refusal refusal) throws Exception;
    }

    /** The stream cannot be framed any further; already reported to the listener when a message was refused. */
    static final class FramingLost extends IOException {
        private static final long serialVersionUID = 1L;
        final boolean reported;

        FramingLost(String message, boolean reported) {
            super(message);
            this.reported = reported;
        }
    }

    private final int maxMessageSize;
    private final Listener listener;
    private byte[] headers = new byte[1024];
    private int headerLength;
    /** The message whose body is being read: its normalized header section, then the body. */
    private byte[] message;
    private SipHeaderSection section;
    private int messageLength;
    /** Body bytes still to come; -1 while reading a header section. */
    private int bodyLeft = -1;
    /** The body being read belongs to a refused message and is dropped. */
    private boolean skipping;
    private volatile long messages;

    SipStreamFramer(int maxMessageSize, Listener listener) {
        this.maxMessageSize = maxMessageSize;
        this.listener = listener;
    }

    /** Whole messages framed so far, refused ones included. */
    long messages() {
        return this.messages;
    }

    void feed(byte[] bytes) throws Exception {
        int index = 0;
        while (index < bytes.length) {
            if (this.bodyLeft >= 0) {
                index = this.body(bytes, index);
            } else if (this.headerLength == 0 && (bytes[index] == '\r' || bytes[index] == '\n')) {
                int end = index;
                while (end < bytes.length && (bytes[end] == '\r' || bytes[end] == '\n')) {
                    end++;
                }
                this.listener.keepAlive(Arrays.copyOfRange(bytes, index, end));
                index = end;
            } else {
                index = this.header(bytes, index);
            }
        }
    }

    private int header(byte[] bytes, int index) throws Exception {
        while (index < bytes.length) {
            byte next = bytes[index++];
            if (this.headerLength == this.maxMessageSize) {
                throw new FramingLost("SIP header section longer than " + this.maxMessageSize + " bytes", false);
            }
            if (this.headerLength == this.headers.length) {
                this.headers = Arrays.copyOf(this.headers, Math.min(this.headers.length * 2, this.maxMessageSize));
            }
            this.headers[this.headerLength++] = next;
            if (next == '\n' && this.endsWithEmptyLine()) {
                this.headerSectionRead();
                return index;
            }
        }
        return index;
    }

    /** The line just ended is empty: LF, optionally after CR, right after the previous line's LF. */
    private boolean endsWithEmptyLine() {
        int before = this.headerLength - 2;
        if (before >= 0 && this.headers[before] == '\r') {
            before--;
        }
        return before >= 0 && this.headers[before] == '\n';
    }

    private void headerSectionRead() throws Exception {
        int plain = SipHeaderSection.plainContentLength(this.headers, this.headerLength, this.maxMessageSize);
        if (plain >= 0) {
            // nothing to judge or rewrite: the message is the bytes as read
            this.messages++;
            this.skipping = false;
            this.section = null;
            this.message = Arrays.copyOf(this.headers, this.headerLength + plain);
            this.messageLength = this.headerLength;
            this.bodyLeft = plain;
            this.headerLength = 0;
            if (this.bodyLeft == 0) {
                this.messageRead();
            }
            return;
        }
        SipHeaderSection section = SipHeaderSection.read(this.headers, 0, this.headerLength);
        this.headerLength = 0;
        this.messages++;
        SipHeaderSection.Refusal refusal = section.refusal(this.maxMessageSize);
        if (refusal != null) {
            this.listener.refused(section, refusal);
            if (refusal.framingLost()) {
                throw new FramingLost(refusal.reason(), true);
            }
            this.skipping = true;
            this.bodyLeft = section.contentLength();
            this.message = null;
        } else {
            byte[] normalized = section.normalized();
            int contentLength = section.contentLength();
            this.skipping = false;
            this.section = section;
            this.message = Arrays.copyOf(normalized, normalized.length + contentLength);
            this.messageLength = normalized.length;
            this.bodyLeft = contentLength;
        }
        if (this.bodyLeft == 0) {
            this.messageRead();
        }
    }

    private int body(byte[] bytes, int index) throws Exception {
        int taken = Math.min(this.bodyLeft, bytes.length - index);
        if (!this.skipping) {
            System.arraycopy(bytes, index, this.message, this.messageLength, taken);
            this.messageLength += taken;
        }
        this.bodyLeft -= taken;
        if (this.bodyLeft == 0) {
            this.messageRead();
        }
        return index + taken;
    }

    private void messageRead() throws Exception {
        this.bodyLeft = -1;
        byte[] whole = this.message;
        SipHeaderSection read = this.section;
        this.message = null;
        this.section = null;
        if (!this.skipping) {
            this.listener.message(read, whole);
        }
    }
}
