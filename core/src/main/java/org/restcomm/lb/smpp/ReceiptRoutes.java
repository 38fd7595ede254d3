package org.restcomm.lb.smpp;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.Pdu;
import com.cloudhopper.smpp.tlv.Tlv;
import com.cloudhopper.smpp.transcoder.PduTranscoder;
import org.jboss.netty.buffer.ChannelBuffer;

/** Mux mode: which ESME bind submitted the message an SMSC delivery receipt is about. */
final class ReceiptRoutes {

    /** Receipts that never come must not grow the map without bound. */
    private static final int MAX_ROUTES = 100_000;

    private final Map<String, EsmeSession> submitterByMessageId = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EsmeSession> eldest) {
            return this.size() > MAX_ROUTES;
        }
    };

    synchronized void remember(String messageId, EsmeSession submitter) {
        this.submitterByMessageId.put(messageId, submitter);
    }

    synchronized void forget(EsmeSession submitter) {
        this.submitterByMessageId.values().removeIf(session -> session == submitter);
    }

    /** The submitter of the message a receipt deliver_sm reports on, or null for an MO message or an unknown id. */
    EsmeSession submitterOf(ChannelBuffer deliverSm, PduTranscoder transcoder) {
        String messageId = receiptedMessageId(deliverSm, transcoder);
        if (messageId == null) {
            return null;
        }
        synchronized (this) {
            return this.submitterByMessageId.remove(messageId);
        }
    }

    private static String receiptedMessageId(ChannelBuffer frame, PduTranscoder transcoder) {
        DeliverSm deliver;
        try {
            Pdu pdu = transcoder.decode(frame.duplicate());
            deliver = (DeliverSm) pdu;
        } catch (Exception e) {
            return null;
        }
        if ((deliver.getEsmClass() & (SmppConstants.ESM_CLASS_MT_MASK | SmppConstants.ESM_CLASS_INTERMEDIATE_DELIVERY_RECEIPT_FLAG)) == 0 && !deliver.hasOptionalParameter(SmppConstants.TAG_RECEIPTED_MSG_ID)) {
            return null;
        }
        Tlv receipted = deliver.getOptionalParameter(SmppConstants.TAG_RECEIPTED_MSG_ID);
        if (receipted != null) {
            try {
                return receipted.getValueAsString();
            } catch (Exception e) {
                return null;
            }
        }
        // the receipt text of SMPP 3.4 appendix B: "id:<message_id> sub:... dlvrd:... "
        byte[] text = deliver.getShortMessage();
        if (text == null) {
            return null;
        }
        String body = new String(text, StandardCharsets.ISO_8859_1);
        int start = body.indexOf("id:");
        if (start < 0) {
            return null;
        }
        start += 3;
        int end = body.indexOf(' ', start);
        return body.substring(start, (end < 0) ? body.length() : end);
    }
}
