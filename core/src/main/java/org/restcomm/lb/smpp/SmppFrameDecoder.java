package org.restcomm.lb.smpp;

import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;
import org.jboss.netty.channel.ChannelFutureListener;
import org.jboss.netty.channel.ChannelHandlerContext;
import org.jboss.netty.channel.MessageEvent;
import org.jboss.netty.handler.codec.frame.FrameDecoder;
import org.restcomm.lb.stats.SmppStatistics;

/**
 * Cuts the byte stream into whole PDUs by command_length. A length outside [16, 64 KiB] cannot be resynchronised:
 * the peer gets generic_nack ESME_RINVCMDLEN and the connection is closed.
 */
final class SmppFrameDecoder extends FrameDecoder {

    private final SmppStatistics statistics;
    private boolean broken;

    SmppFrameDecoder(SmppStatistics statistics) {
        this.statistics = statistics;
    }

    /** Every PDU of one read is relayed before any is written: the writes leave in one batch per socket. */
    @Override
    public void messageReceived(ChannelHandlerContext context, MessageEvent event) throws Exception {
        WriteBatch batch = WriteBatch.begin(context.getChannel());
        try {
            super.messageReceived(context, event);
        } finally {
            batch.end();
        }
    }

    @Override
    protected Object decode(ChannelHandlerContext context, Channel channel, ChannelBuffer buffer) {
        if (this.broken) {
            buffer.skipBytes(buffer.readableBytes());
            return null;
        }
        if (buffer.readableBytes() < 4) {
            return null;
        }
        int length = buffer.getInt(buffer.readerIndex());
        if (length < PduHeader.LENGTH || length > PduHeader.MAX_PDU_LENGTH) {
            this.broken = true;
            this.statistics.malformedPdu();
            int sequenceNumber = (buffer.readableBytes() >= PduHeader.LENGTH) ? buffer.getInt(buffer.readerIndex() + 12) : 0;
            buffer.skipBytes(buffer.readableBytes());
            WriteBatch.writeNow(channel, PduHeader.headerOnly(PduHeader.GENERIC_NACK, PduHeader.ESME_RINVCMDLEN, sequenceNumber)).addListener(ChannelFutureListener.CLOSE);
            return null;
        }
        if (buffer.readableBytes() < length) {
            return null;
        }
        // a copy: the frame is patched and written to another channel while this cumulation buffer is reused
        return buffer.readBytes(length);
    }

    @Override
    protected Object decodeLast(ChannelHandlerContext context, Channel channel, ChannelBuffer buffer) {
        if (!this.broken && buffer.readable()) {
            // the peer closed in the middle of a PDU
            this.statistics.malformedPdu();
            buffer.skipBytes(buffer.readableBytes());
        }
        return null;
    }
}
