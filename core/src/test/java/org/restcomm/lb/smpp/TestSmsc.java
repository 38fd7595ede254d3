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

import com.cloudhopper.smpp.SmppServerConfiguration;
import com.cloudhopper.smpp.SmppServerHandler;
import com.cloudhopper.smpp.SmppServerSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppServer;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.BaseBind;
import com.cloudhopper.smpp.pdu.BaseBindResp;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSmResp;
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

    private TestSmsc(String name, int port) {
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
        this.server = new DefaultSmppServer(configuration, new Handler());
    }

    public static TestSmsc start(String name) throws Exception {
        TestSmsc smsc = new TestSmsc(name, freePort());
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
            });
        }

        @Override
        public void sessionDestroyed(Long sessionId, SmppServerSession session) {
            TestSmsc.this.sessions.remove(session);
            session.destroy();
        }
    }
}
