package org.restcomm.lb.smpp;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import javax.net.ssl.SSLContext;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.pdu.Unbind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.restcomm.lb.intake.Intake;
import org.restcomm.lb.node.NodeRegistry;
import org.restcomm.lb.stats.LoadBalancerStatistics;
import org.restcomm.lb.stats.SmppStatistics;

/** Real sockets on 127.0.0.1: Cloudhopper SMSCs behind the balancer, Cloudhopper ESMEs in front, timers made short. */
abstract class SmppTestBed {

    static DefaultSmppClient client;
    final List<TestSmsc> smscs = new ArrayList<>();
    final List<TestEsme> esmes = new ArrayList<>();
    SmppBalancer balancer;
    SmppStatistics statistics;
    final Intake intake = new Intake();

    @BeforeAll
    static void createClient() {
        client = new DefaultSmppClient();
    }

    @AfterAll
    static void destroyClient() {
        client.destroy();
    }

    @AfterEach
    void tearDown() {
        this.esmes.forEach(esme -> esme.session.destroy());
        if (this.balancer != null) {
            this.balancer.stop();
        }
        this.smscs.forEach(smsc -> {
            smsc.stop();
            smsc.close();
        });
    }

    TestSmsc smsc(String name) throws Exception {
        TestSmsc smsc = TestSmsc.start(name);
        this.smscs.add(smsc);
        return smsc;
    }

    /** Production defaults except timers short enough for a test, still generous for two shared cores. */
    static SmppBalancerSettings.Builder shortTimers(InetSocketAddress... servers) {
        return SmppBalancerSettings.builder()
                .remoteServers(List.of(servers))
                .responseTimeout(3000)
                .bindTimeout(2000)
                .enquireLinkInterval(60_000)
                .reconnectInterval(200)
                .clientCheckTimeout(2000)
                .serverCheckTimeout(2000);
    }

    SmppBalancer startBalancer(SmppBalancerSettings.Builder settings) {
        return this.startBalancer(settings, null);
    }

    SmppBalancer startBalancer(SmppBalancerSettings.Builder settings, NodeRegistry registry) {
        return this.startBalancer(settings, registry, null);
    }

    /** A plain listener and a TLS listener, both on ephemeral ports. */
    SmppBalancer startTlsBalancer(SmppBalancerSettings.Builder settings, SSLContext server) {
        return this.startBalancer(settings, null, new SmppTlsListener(new InetSocketAddress("127.0.0.1", 0), server));
    }

    private SmppBalancer startBalancer(SmppBalancerSettings.Builder settings, NodeRegistry registry, SmppTlsListener tls) {
        this.statistics = new LoadBalancerStatistics(true).smpp();
        this.balancer = new SmppBalancer(new InetSocketAddress("127.0.0.1", 0), tls, settings.build(), registry, this.statistics, this.intake);
        this.balancer.start();
        return this.balancer;
    }

    TestEsme esme(SmppBindType type, String systemId, String password) throws Exception {
        TestEsme esme = TestEsme.bind(client, this.balancer.boundAddress(), type, systemId, password);
        this.esmes.add(esme);
        return esme;
    }

    TestEsme esme() throws Exception {
        return this.esme(SmppBindType.TRANSCEIVER, "esme", "secret");
    }

    /** The balancer unbinds each ESME, closes its connection and no longer counts it active. */
    void assertUnboundByBalancer(TestEsme... esmes) throws InterruptedException {
        for (TestEsme esme : esmes) {
            // the balancer first tries every SMSC again; on 2 busy shared cores that can take a while
            assertNotNull(esme.awaitRequest(Unbind.class, 15_000), "the balancer unbinds the ESME");
            assertTrue(esme.awaitClosedByBalancer(), "and closes its connection");
        }
        eventually("not counted as active", () -> this.statistics.activeConnections().value() == 0);
    }

    static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
        eventually(what, condition, 5000);
    }

    static void eventually(String what, BooleanSupplier condition, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                assertTrue(condition.getAsBoolean(), what);
                return;
            }
            Thread.sleep(20);
        }
    }
}
