package org.restcomm.lb.bench.smpp;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import com.cloudhopper.smpp.PduAsyncResponse;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppServerConfiguration;
import com.cloudhopper.smpp.SmppServerHandler;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppServer;
import com.cloudhopper.smpp.impl.DefaultSmppSession;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.BaseBindResp;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.tlv.Tlv;
import com.cloudhopper.smpp.type.LoggingOptions;

/**
 * The benchmark's SMSC, a plain Cloudhopper server: accepts every bind, answers submit_sm with a fresh message id and,
 * when the submit_sm asks for one (registered_delivery bit 0), sends the bind that submitted it a delivery receipt
 * deliver_sm right after the submit_sm_resp.
 *
 *   java -cp ... org.restcomm.lb.bench.smpp.SmscSink PORT
 */
public final class SmscSink {

    /** Receipts in flight per bind; the client answers them at once, so this never fills. */
    private static final int RECEIPT_WINDOW = 10_000;
    private static final long TIMEOUT_MILLIS = 30_000;

    private static final AtomicLong MESSAGE_IDS = new AtomicLong();

    private SmscSink() {
    }

    public static void main(String[] args) throws Exception {
        SmppServerConfiguration configuration = new SmppServerConfiguration();
        configuration.setName("sink");
        configuration.setSystemId("sink");
        configuration.setHost("127.0.0.1");
        configuration.setPort(Integer.parseInt(args[0]));
        configuration.setNonBlockingSocketsEnabled(true);
        configuration.setReuseAddress(true);
        configuration.setMaxConnectionSize(1000);
        configuration.setBindTimeout(10_000);
        configuration.setDefaultWindowSize(RECEIPT_WINDOW);
        configuration.setDefaultWindowWaitTimeout(TIMEOUT_MILLIS);
        configuration.setDefaultRequestExpiryTimeout(TIMEOUT_MILLIS);
        configuration.setDefaultSessionCountersEnabled(false);
        configuration.setJmxEnabled(false);
        DefaultSmppServer server = new DefaultSmppServer(configuration, new Binds());
        server.start();
        System.out.println("sink listening on " + configuration.getPort());
        new CountDownLatch(1).await();
    }

    /** Turns off Cloudhopper's per-PDU logging, which a real deployment would not pay for either. */
    static LoggingOptions quiet() {
        LoggingOptions options = new LoggingOptions();
        options.setLogPdu(false);
        options.setLogBytes(false);
        return options;
    }

    /**
     * Cloudhopper leaves Nagle on; with a receipt written right behind each submit_sm_resp, Nagle and the peer's
     * delayed ACK hold it for ~40 ms. Both peers turn it off so the direct path measures CPU, not that timer.
     */
    static void noDelay(SmppSession session) {
        ((DefaultSmppSession) session).getChannel().getConfig().setOption("tcpNoDelay", true);
    }

    private static final class Binds implements SmppServerHandler {
        @Override
        public void sessionBindRequested(Long sessionId, SmppSessionConfiguration configuration, @SuppressWarnings("rawtypes") BaseBind bindRequest) {
            configuration.setLoggingOptions(quiet());
        }

        @Override
        public void sessionCreated(Long sessionId, SmppServerSession session, BaseBindResp preparedBindResponse) {
            noDelay(session);
            session.serverReady(new Submits(session));
        }

        @Override
        public void sessionDestroyed(Long sessionId, SmppServerSession session) {
            session.destroy();
        }
    }

    private static final class Submits extends DefaultSmppSessionHandler {
        private final SmppServerSession session;

        Submits(SmppServerSession session) {
            this.session = session;
        }

        @Override
        @SuppressWarnings("rawtypes")
        public PduResponse firePduRequestReceived(PduRequest request) {
            if (!(request instanceof SubmitSm submit)) {
                return request.createResponse();
            }
            SubmitSmResp response = submit.createResponse();
            String messageId = Long.toHexString(MESSAGE_IDS.incrementAndGet());
            response.setMessageId(messageId);
            if ((submit.getRegisteredDelivery() & SmppConstants.REGISTERED_DELIVERY_SMSC_RECEIPT_REQUESTED) == 0) {
                return response;
            }
            try {
                // the answer first, so the receipt never overtakes it
                this.session.sendResponsePdu(response);
                this.session.sendRequestPdu(receipt(submit, messageId), TIMEOUT_MILLIS, false);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return null;
        }

        @Override
        public void fireExpectedPduResponseReceived(PduAsyncResponse response) {
            // deliver_sm_resp: nothing to do
        }
    }

    /** An SMPP 3.4 appendix B receipt, with the id also in receipted_message_id. */
    private static DeliverSm receipt(SubmitSm submit, String messageId) throws Exception {
        DeliverSm deliver = new DeliverSm();
        deliver.setEsmClass(SmppConstants.ESM_CLASS_MT_SMSC_DELIVERY_RECEIPT);
        deliver.setSourceAddress(submit.getDestAddress());
        deliver.setDestAddress(submit.getSourceAddress());
        deliver.setShortMessage(("id:" + messageId + " sub:001 dlvrd:001 submit date:2611291200 done date:2611291200 stat:DELIVRD err:000 text:")
                .getBytes(StandardCharsets.ISO_8859_1));
        deliver.addOptionalParameter(new Tlv(SmppConstants.TAG_RECEIPTED_MSG_ID, (messageId + "\0").getBytes(StandardCharsets.ISO_8859_1)));
        return deliver;
    }
}
