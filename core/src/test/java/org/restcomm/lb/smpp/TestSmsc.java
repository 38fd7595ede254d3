package org.restcomm.lb.smpp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.cloudhopper.smpp.SmppServerConfiguration;
import com.cloudhopper.smpp.SmppServerHandler;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppServer;
import com.cloudhopper.smpp.impl.DefaultSmppSession;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.BaseBindResp;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
import com.cloudhopper.smpp.ssl.SslConfiguration;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import com.cloudhopper.smpp.type.Address;
import org.jboss.netty.buffer.ChannelBuffer;
import org.jboss.netty.channel.Channel;
import com.cloudhopper.smpp.type.SmppProcessingException;

/** A Cloudhopper SMPP server standing in for an SMSC: records what it receives, answers submit_sm with "<name>-<n>" ids. */
public final class TestSmsc implements AutoCloseable {

    public final String name;
    public final BlockingQueue<BaseBind<?>> binds = new LinkedBlockingQueue<>();
    public final BlockingQueue<PduRequest<?>> requests = new LinkedBlockingQueue<>();
    public final List<SmppServerSession> sessions = new CopyOnWriteArrayList<>();
    private final AtomicInteger messageIds = new AtomicInteger();
    private final int port;
    private final DefaultSmppServer server;
    public volatile int bindStatus;
    public volatile boolean answerRequests = true;
    /** Answers to the deliver_sm of flood(), by command_status (the window is bypassed, so they are "unexpected"). */
    public final AtomicLong acceptedDeliveries = new AtomicLong();
    public final AtomicLong throttledDeliveries = new AtomicLong();

    private TestSmsc(String name, int port, SslConfiguration tls) {
        this.name = name;
        this.port = port;
        SmppServerConfiguration configuration = new SmppServerConfiguration();
        configuration.setName(name);
        configuration.setHost("127.0.0.1");
        configuration.setPort(port);
        configuration.setSystemId(name);
        configuration.setNonBlockingSocketsEnabled(true);
        configuration.setReuseAddress(true);
        configuration.setBindTimeout(5000);
        configuration.setDefaultRequestExpiryTimeout(30_000);
        configuration.setDefaultWindowSize(100);
        if (tls != null) {
            configuration.setUseSsl(true);
            configuration.setSslConfiguration(tls);
        }
        this.server = new DefaultSmppServer(configuration, new Handler());
    }

    public static TestSmsc start(String name) throws Exception {
        TestSmsc smsc = new TestSmsc(name, freePort(), null);
        smsc.server.start();
        return smsc;
    }

    /** An SMSC that speaks only TLS, presenting the key pair of a PKCS12 key store file (Cloudhopper reads files only). */
    public static TestSmsc startTls(String name, java.nio.file.Path keyStore, String password) throws Exception {
        SslConfiguration tls = new SslConfiguration();
        tls.setKeyStorePath(keyStore.toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(password);
        tls.setKeyManagerPassword(password);
        TestSmsc smsc = new TestSmsc(name, freePort(), tls);
        smsc.server.start();
        return smsc;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", this.port);
    }

    public BaseBind<?> awaitBind() throws InterruptedException {
        return this.binds.poll(5, TimeUnit.SECONDS);
    }

    /** The next request of the given class, skipping others (enquire_link and the like). */
    public <T> T awaitRequest(Class<T> type) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            PduRequest<?> request = this.requests.poll(100, TimeUnit.MILLISECONDS);
            if (type.isInstance(request)) {
                return type.cast(request);
            }
        }
        return null;
    }

    public SmppServerSession awaitSession() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (this.sessions.isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        return this.sessions.isEmpty() ? null : this.sessions.get(0);
    }

    /**
     * Sends deliver_sm on the session as fast as its socket takes them (up to perSecond, 0 for no limit), outside
     * Cloudhopper's window, as an SMSC with a queue of mobile-originated messages does. An SMSC's socket is paced by
     * TCP: nothing piles up here once the balancer stops reading.
     */
    public Flood flood(SmppServerSession session, int perSecond) throws Exception {
        DeliverSm deliver = new DeliverSm();
        deliver.setSourceAddress(new Address((byte) 1, (byte) 1, "447700900001"));
        deliver.setDestAddress(new Address((byte) 1, (byte) 1, "1234"));
        deliver.setShortMessage("a mobile-originated message of about sixty characters of text".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        deliver.setSequenceNumber(1);
        ChannelBuffer template = new DefaultPduTranscoder(new DefaultPduTranscoderContext()).encode(deliver);
        Flood flood = new Flood(((DefaultSmppSession) session).getChannel(), template, perSecond);
        flood.start();
        return flood;
    }

    /** A thread writing deliver_sm while the socket is writable. */
    public static final class Flood extends Thread {
        private final Channel channel;
        private final ChannelBuffer template;
        private final long intervalNanos;
        public final AtomicLong sent = new AtomicLong();
        /** Times the socket was found unwritable: the balancer stopped reading it. */
        public final AtomicLong blocked = new AtomicLong();
        private volatile boolean running = true;

        Flood(Channel channel, ChannelBuffer template, int perSecond) {
            super("smsc-flood");
            setDaemon(true);
            this.channel = channel;
            this.template = template;
            this.intervalNanos = (perSecond > 0) ? 1_000_000_000L / perSecond : 0;
        }

        @Override
        public void run() {
            int sequence = 1_000_000;
            long next = System.nanoTime();
            while (this.running && this.channel.isOpen()) {
                if (!this.channel.isWritable()) {
                    this.blocked.incrementAndGet();
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                if (this.intervalNanos > 0) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    next += this.intervalNanos;
                }
                ChannelBuffer pdu = this.template.copy();
                pdu.setInt(12, sequence++);
                this.channel.write(pdu);
                this.sent.incrementAndGet();
            }
        }

        public void halt() throws InterruptedException {
            this.running = false;
            this.join(5000);
        }
    }

    public void stop() {
        for (SmppServerSession session : this.sessions) {
            session.close();
        }
        this.server.stop();
    }

    /** Listens again on the same port after stop(). */
    public void restart() throws Exception {
        this.server.start();
    }

    @Override
    public void close() {
        this.server.destroy();
    }

    private final class Handler implements SmppServerHandler {
        @Override
        public void sessionBindRequested(Long sessionId, SmppSessionConfiguration configuration, BaseBind bindRequest) throws SmppProcessingException {
            TestSmsc.this.binds.add(bindRequest);
            if (TestSmsc.this.bindStatus != 0) {
                throw new SmppProcessingException(TestSmsc.this.bindStatus);
            }
        }

        @Override
        public void sessionCreated(Long sessionId, SmppServerSession session, BaseBindResp preparedBindResponse) {
            TestSmsc.this.sessions.add(session);
            session.serverReady(new DefaultSmppSessionHandler() {
                @Override
                public PduResponse firePduRequestReceived(PduRequest request) {
                    TestSmsc.this.requests.add(request);
                    if (!TestSmsc.this.answerRequests) {
                        return null;
                    }
                    PduResponse response = request.createResponse();
                    if (response instanceof SubmitSmResp submitResponse) {
                        submitResponse.setMessageId(TestSmsc.this.name + "-" + TestSmsc.this.messageIds.incrementAndGet());
                    }
                    return response;
                }

                @Override
                public void fireUnexpectedPduResponseReceived(PduResponse response) {
                    if (response.getCommandStatus() == 0) {
                        TestSmsc.this.acceptedDeliveries.incrementAndGet();
                    } else if (response.getCommandStatus() == 0x58) {
                        TestSmsc.this.throttledDeliveries.incrementAndGet();
                    }
                }
            });
        }

        @Override
        public void sessionDestroyed(Long sessionId, SmppServerSession session) {
            TestSmsc.this.sessions.remove(session);
            session.destroy();
        }
    }
}
