package org.restcomm.lb.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TooManyListenersException;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.ListeningPoint;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.ToHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;

import org.restcomm.lb.sip.JainSipServerLogger;
import org.restcomm.lb.sip.JainSipStackLogger;

/**
 * A jain-sip user agent on 127.0.0.1 (or ::1), UDP and TCP on one port. As a caller it keeps real dialogs (ACK and BYE follow
 * the Record-Route set the balancer put in); as an application-server node it answers statelessly, the way a node of a
 * replicated cluster can answer a BYE for a call another node set up.
 */
final class SipAgent implements SipListener, AutoCloseable {

    private static final AtomicInteger TAGS = new AtomicInteger();

    private final int port;
    /** The loopback address the agent listens on: 127.0.0.1, or ::1 for IPv6. */
    private final String host;
    private final SipStack stack;
    private final SipProvider provider;
    private final AddressFactory addresses;
    private final HeaderFactory headers;
    private final MessageFactory messages;
    /** Every request that reached this agent, in arrival order. */
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final BlockingQueue<Response> responses = new LinkedBlockingQueue<>();
    private volatile boolean answering = true;

    private SipAgent(String name, int port, boolean dialogs) throws Exception {
        this(name, "127.0.0.1", port, dialogs, null, false);
    }

    /**
     * With a key store, TLS on port + 1 too: it presents the store's key pair and trusts any certificate. jain-sip's
     * blocking TLS server ignores the client's supported_groups, so it agrees on no ECDHE suite; its NIO TLS client
     * sends a second ClientHello on a new connection. A TLS agent that is called runs NIO, one that calls runs blocking.
     */
    private SipAgent(String name, String host, int port, boolean dialogs, java.nio.file.Path keyStore, boolean nio) throws Exception {
        this.port = port;
        this.host = host;
        Properties properties = new Properties();
        if (keyStore != null) {
            properties.setProperty("javax.net.ssl.keyStore", keyStore.toString());
            properties.setProperty("javax.net.ssl.keyStorePassword", TLS_PASSWORD);
            properties.setProperty("javax.net.ssl.keyStoreType", "PKCS12");
            properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_AUTH_TYPE", "DisabledAll");
            if (nio) {
                properties.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", "gov.nist.javax.sip.stack.NioMessageProcessorFactory");
            }
            properties.setProperty("gov.nist.javax.sip.TLS_CLIENT_PROTOCOLS", "TLSv1.2");
            properties.setProperty("gov.nist.javax.sip.ENABLED_CIPHER_SUITES", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        }
        properties.setProperty("javax.sip.STACK_NAME", name + "-" + UUID.randomUUID());
        properties.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", dialogs ? "on" : "off");
        properties.setProperty("gov.nist.javax.sip.STACK_LOGGER", JainSipStackLogger.class.getName());
        properties.setProperty("gov.nist.javax.sip.SERVER_LOGGER", JainSipServerLogger.class.getName());
        properties.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "1");
        SipFactory factory = SipFactory.getInstance();
        factory.setPathName("gov.nist");
        this.stack = factory.createSipStack(properties);
        this.addresses = factory.createAddressFactory();
        this.headers = factory.createHeaderFactory();
        this.messages = factory.createMessageFactory();
        ListeningPoint udp = this.stack.createListeningPoint(host, port, ListeningPoint.UDP);
        ListeningPoint tcp = this.stack.createListeningPoint(host, port, ListeningPoint.TCP);
        this.provider = this.stack.createSipProvider(udp);
        this.provider.addListeningPoint(tcp);
        if (keyStore != null) {
            this.provider.addListeningPoint(this.stack.createListeningPoint(host, port + 1, ListeningPoint.TLS));
        }
        addListener(this.provider, this);
        this.stack.start();
    }

    /** A caller that keeps dialogs. */
    static SipAgent caller(int port) throws Exception {
        return new SipAgent("caller", port, true);
    }

    /** An application-server node answering INVITE with 180 and 200 and every other request with 200. */
    static SipAgent node(int port) throws Exception {
        return new SipAgent("node", port, false);
    }

    /** A caller or a node on the given loopback address: ::1 for IPv6. */
    static SipAgent on(String host, int port, boolean caller) throws Exception {
        return new SipAgent(caller ? "caller" : "node", host, port, caller, null, false);
    }

    /** The password of the key stores TLS agents are given. */
    static final String TLS_PASSWORD = "secret";

    /** A caller that also calls over TLS from port + 1, presenting the key store's key pair. */
    static SipAgent tlsCaller(int port, java.nio.file.Path keyStore) throws Exception {
        return new SipAgent("caller", "127.0.0.1", port, true, keyStore, false);
    }

    /** A node (or a called client) that is also called over TLS on port + 1, presenting the key store's key pair. */
    static SipAgent tlsNode(int port, java.nio.file.Path keyStore) throws Exception {
        return new SipAgent("node", "127.0.0.1", port, false, keyStore, true);
    }

    private static void addListener(SipProvider provider, SipListener listener) {
        try {
            provider.addSipListener(listener);
        } catch (TooManyListenersException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return this.port;
    }

    /** host:port of this agent's loopback address, IPv6 in brackets. */
    private String hostPort(int port) {
        return org.restcomm.lb.node.HostAndPort.bracketed(this.host) + ":" + port;
    }

    /** The port this agent listens on for the transport: port + 1 for TLS. */
    int localPort(String transport) {
        return "tls".equalsIgnoreCase(transport) ? this.port + 1 : this.port;
    }

    /** A node that stops answering, as one whose server died. */
    void silence() {
        this.answering = false;
    }

    /** Starts a call to the balancer's external port; the call is established once {@link Call#awaitAnswer} returns. */
    Call call(String transport, int balancerPort, String fromUser) throws Exception {
        SipURI target = this.addresses.createSipURI("bob", this.hostPort(balancerPort));
        target.setTransportParam(transport);
        Address from = this.addresses.createAddress(this.addresses.createSipURI(fromUser, "example.com"));
        Address to = this.addresses.createAddress(this.addresses.createSipURI("bob", "example.com"));
        int localPort = this.localPort(transport);
        SipURI contact = this.addresses.createSipURI(fromUser, this.hostPort(localPort));
        contact.setTransportParam(transport);
        CallIdHeader callId = this.provider.getNewCallId();
        Request invite = this.messages.createRequest(target, Request.INVITE, callId,
                this.headers.createCSeqHeader(1L, Request.INVITE),
                this.headers.createFromHeader(from, "caller-" + TAGS.incrementAndGet()),
                this.headers.createToHeader(to, null),
                new ArrayList<>(List.of(this.headers.createViaHeader(this.host, localPort, transport, null))),
                this.headers.createMaxForwardsHeader(70));
        invite.addHeader(this.headers.createContactHeader(this.addresses.createAddress(contact)));
        ClientTransaction transaction = this.provider.getNewClientTransaction(invite);
        transaction.sendRequest();
        return new Call(callId.getCallId(), transaction.getDialog());
    }

    /** Sends a request out of dialog, statelessly, to the given address; its Route header, if any, wins. */
    void send(Request request) throws Exception {
        this.provider.sendRequest(request);
    }

    MessageFactory messages() {
        return this.messages;
    }

    HeaderFactory headers() {
        return this.headers;
    }

    AddressFactory addresses() {
        return this.addresses;
    }

    /** The next request of the given method that reached this agent, or null after the timeout. */
    Request awaitRequest(String method, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (long left = timeoutMillis; left > 0; left = deadline - System.currentTimeMillis()) {
            Request request = this.requests.poll(left, TimeUnit.MILLISECONDS);
            if (request != null && request.getMethod().equals(method)) {
                return request;
            }
        }
        return null;
    }

    /** Whether requests of all the given methods reached this agent within the timeout, in any order. */
    boolean awaitRequests(long timeoutMillis, String... methods) throws InterruptedException {
        java.util.Set<String> missing = new java.util.HashSet<>(List.of(methods));
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (long left = timeoutMillis; left > 0 && !missing.isEmpty(); left = deadline - System.currentTimeMillis()) {
            Request request = this.requests.poll(left, TimeUnit.MILLISECONDS);
            if (request != null) {
                missing.remove(request.getMethod());
            }
        }
        return missing.isEmpty();
    }

    /** Which of the nodes got the request of this method and Call-ID within 5 s; null when none did. */
    static SipAgent nodeThatGot(String method, String callId, List<SipAgent> nodes) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            for (SipAgent node : nodes) {
                Request request = node.awaitRequest(method, 50);
                if (request != null && callId.equals(((CallIdHeader) request.getHeader(CallIdHeader.NAME)).getCallId())) {
                    return node;
                }
            }
        }
        return null;
    }

    /** Requests received so far, removed from the queue. */
    List<Request> drainRequests() {
        List<Request> all = new ArrayList<>();
        this.requests.drainTo(all);
        return all;
    }

    Response awaitResponse(String method, int status, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (long left = timeoutMillis; left > 0; left = deadline - System.currentTimeMillis()) {
            Response response = this.responses.poll(left, TimeUnit.MILLISECONDS);
            if (response != null && response.getStatusCode() == status
                    && ((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getMethod().equals(method)) {
                return response;
            }
        }
        return null;
    }

    @Override
    public void processRequest(RequestEvent event) {
        Request request = event.getRequest();
        this.requests.add(request);
        if (!this.answering || Request.ACK.equals(request.getMethod())) {
            return;
        }
        try {
            if (event.getDialog() != null || event.getServerTransaction() != null) {
                // a caller's dialog answers in-dialog requests through its transaction
                javax.sip.ServerTransaction transaction = event.getServerTransaction() != null ? event.getServerTransaction()
                        : this.provider.getNewServerTransaction(request);
                transaction.sendResponse(this.answer(request, Response.OK));
                return;
            }
            if (Request.INVITE.equals(request.getMethod())) {
                this.provider.sendResponse(this.answer(request, Response.RINGING));
            }
            this.provider.sendResponse(this.answer(request, Response.OK));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Response answer(Request request, int status) throws Exception {
        Response response = this.messages.createResponse(status, request);
        ToHeader to = (ToHeader) response.getHeader(ToHeader.NAME);
        if (to.getTag() == null) {
            to.setTag("node-" + this.port);
        }
        SipURI contact = this.addresses.createSipURI(null, this.hostPort(this.port));
        response.addHeader(this.headers.createContactHeader(this.addresses.createAddress(contact)));
        return response;
    }

    @Override
    public void processResponse(ResponseEvent event) {
        Response response = event.getResponse();
        CSeqHeader cseq = (CSeqHeader) response.getHeader(CSeqHeader.NAME);
        try {
            if (response.getStatusCode() == Response.OK && Request.INVITE.equals(cseq.getMethod()) && event.getDialog() != null) {
                Dialog dialog = event.getDialog();
                dialog.sendAck(dialog.createAck(cseq.getSeqNumber()));
            }
        } catch (Exception e) {
            // an ACK towards an address that cannot be reached (a public address in a test): the answer still counts
            throw new IllegalStateException(e);
        } finally {
            // queued after the ACK left: a test that hangs up once awaitAnswer returns sends its BYE after the ACK, as a phone does
            this.responses.add(response);
        }
    }

    @Override
    public void processTimeout(TimeoutEvent event) {
    }

    @Override
    public void processIOException(IOExceptionEvent event) {
    }

    @Override
    public void processTransactionTerminated(TransactionTerminatedEvent event) {
    }

    @Override
    public void processDialogTerminated(DialogTerminatedEvent event) {
    }

    @Override
    public void close() {
        this.stack.stop();
    }

    /** A call the caller placed, by its dialog. */
    final class Call {
        private final String callId;
        private final Dialog dialog;

        Call(String callId, Dialog dialog) {
            this.callId = callId;
            this.dialog = dialog;
        }

        String callId() {
            return this.callId;
        }

        void awaitAnswer() throws InterruptedException {
            if (this.awaitOwn(Request.INVITE) == null) {
                throw new AssertionError("no 200 for the INVITE of " + this.callId);
            }
        }

        /** The 200 for this call's request of that method within 10 s, passing over answers of other calls. */
        private Response awaitOwn(String method) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 10_000;
            for (long left = 10_000; left > 0; left = deadline - System.currentTimeMillis()) {
                Response response = SipAgent.this.awaitResponse(method, Response.OK, left);
                if (response != null && this.callId.equals(((CallIdHeader) response.getHeader(CallIdHeader.NAME)).getCallId())) {
                    return response;
                }
            }
            return null;
        }

        /** Sends BYE along the dialog's route set and waits for its final answer. */
        Response hangUp() throws Exception {
            Request bye = this.dialog.createRequest(Request.BYE);
            ClientTransaction transaction = SipAgent.this.provider.getNewClientTransaction(bye);
            this.dialog.sendRequest(transaction);
            Response answer = this.awaitOwn(Request.BYE);
            if (answer == null) {
                throw new AssertionError("no 200 for the BYE of " + this.callId);
            }
            return answer;
        }
    }
}
