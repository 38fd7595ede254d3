package org.restcomm.lb.smpp;

import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.buffer.ChannelBuffers;

/**
 * The 16-byte SMPP header read and patched in place: the relay never decodes a body it only passes on.
 * Offsets: command_length 0, command_id 4, command_status 8, sequence_number 12.
 */
final class PduHeader {

    static final int LENGTH = 16;
    /** Larger PDUs are refused; the biggest legal submit_multi with payload stays well below. */
    static final int MAX_PDU_LENGTH = 64 * 1024;

    static final int RESPONSE_BIT = 0x80000000;
    static final int GENERIC_NACK = 0x80000000;
    static final int BIND_RECEIVER = 0x00000001;
    static final int BIND_TRANSMITTER = 0x00000002;
    static final int QUERY_SM = 0x00000003;
    static final int SUBMIT_SM = 0x00000004;
    static final int DELIVER_SM = 0x00000005;
    static final int UNBIND = 0x00000006;
    static final int REPLACE_SM = 0x00000007;
    static final int CANCEL_SM = 0x00000008;
    static final int BIND_TRANSCEIVER = 0x00000009;
    static final int OUTBIND = 0x0000000B;
    static final int ENQUIRE_LINK = 0x00000015;
    static final int SUBMIT_MULTI = 0x00000021;
    static final int ALERT_NOTIFICATION = 0x00000102;
    static final int DATA_SM = 0x00000103;
    static final int SUBMIT_SM_RESP = SUBMIT_SM | RESPONSE_BIT;
    static final int UNBIND_RESP = UNBIND | RESPONSE_BIT;
    static final int ENQUIRE_LINK_RESP = ENQUIRE_LINK | RESPONSE_BIT;

    static final int ESME_ROK = 0x00;
    static final int ESME_RINVCMDLEN = 0x01;
    static final int ESME_RINVCMDID = 0x03;
    static final int ESME_RINVBNDSTS = 0x04;
    static final int ESME_RALYBND = 0x05;
    static final int ESME_RSYSERR = 0x08;
    static final int ESME_RBINDFAIL = 0x0D;
    static final int ESME_RTHROTTLED = 0x58;

    private PduHeader() {
    }

    static int commandLength(ChannelBuffer frame) {
        return frame.getInt(frame.readerIndex());
    }

    static int commandId(ChannelBuffer frame) {
        return frame.getInt(frame.readerIndex() + 4);
    }

    static int commandStatus(ChannelBuffer frame) {
        return frame.getInt(frame.readerIndex() + 8);
    }

    static int sequenceNumber(ChannelBuffer frame) {
        return frame.getInt(frame.readerIndex() + 12);
    }

    /** The relay's one rewrite. */
    static void setSequenceNumber(ChannelBuffer frame, int sequenceNumber) {
        frame.setInt(frame.readerIndex() + 12, sequenceNumber);
    }

    static boolean isResponse(int commandId) {
        return (commandId & RESPONSE_BIT) != 0;
    }

    static boolean isBind(int commandId) {
        return commandId == BIND_RECEIVER || commandId == BIND_TRANSMITTER || commandId == BIND_TRANSCEIVER;
    }

    /** Requests a bound ESME may send on to the SMSC (unbind and generic_nack are handled apart). */
    static boolean isRelayedEsmeRequest(int commandId) {
        return switch (commandId) {
            case SUBMIT_SM, SUBMIT_MULTI, DATA_SM, QUERY_SM, REPLACE_SM, CANCEL_SM -> true;
            default -> false;
        };
    }

    /** A PDU with no body: generic_nack, enquire_link(_resp), unbind(_resp) and every error response. */
    static ChannelBuffer headerOnly(int commandId, int commandStatus, int sequenceNumber) {
        ChannelBuffer buffer = ChannelBuffers.buffer(LENGTH);
        buffer.writeInt(LENGTH);
        buffer.writeInt(commandId);
        buffer.writeInt(commandStatus);
        buffer.writeInt(sequenceNumber);
        return buffer;
    }

    /** The error answer to a request: its own response command, which SMPP 3.4 sends without body when the status is an error. */
    static ChannelBuffer errorResponse(int requestCommandId, int commandStatus, int sequenceNumber) {
        return headerOnly(requestCommandId | RESPONSE_BIT, commandStatus, sequenceNumber);
    }

    /** The C-octet string at an offset of the body, or null when it has no terminator. */
    static String cString(ChannelBuffer frame, int bodyOffset) {
        int start = frame.readerIndex() + LENGTH + bodyOffset;
        int end = frame.writerIndex();
        for (int i = start; i < end; i++) {
            if (frame.getByte(i) == 0) {
                byte[] bytes = new byte[i - start];
                frame.getBytes(start, bytes);
                return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }
}
