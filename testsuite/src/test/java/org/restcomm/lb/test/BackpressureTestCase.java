package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.pdu.BindTransceiver;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoder;
import com.cloudhopper.smpp.transcoder.DefaultPduTranscoderContext;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.netty.buffer.ChannelBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.smpp.RawSmppSocket;
import org.restcomm.lb.smpp.TestEsme;
import org.restcomm.lb.smpp.TestSmsc;

/**
 * max-queued-bytes and write-stall-timeout set with jboss-cli: an ESME that never reads while its SMSC floods it is
 * closed after write-stall-timeout and counted in smpp-stalled-connections; bad values are refused by name.
 */
public class BackpressureTestCase extends LoadBalancerTestCase {

    private static final ModelNode SMPP = SmppBalancingTestCase.SMPP;
    private static final ModelNode HTTP = Operations.createAddress("subsystem", "load-balancer", "http", "default");
    private static final String SMSC_BINDING = "smsc-backpressure";

    private TestSmsc smsc;
    private TestSmsc.Flood flood;
    private RawSmppSocket silent;
    private DefaultSmppClient client;
    private TestEsme esme;

    @AfterEach
    void cleanUp() throws Exception {
        if (this.flood != null) {
            this.flood.halt();
        }
        if (this.silent != null) {
            this.silent.close();
        }
        if (this.esme != null) {
            this.esme.session.destroy();
        }
        if (this.client != null) {
            this.client.destroy();
        }
        // /subsystem=load-balancer/smpp=default:undefine-attribute(name=remote-servers)
        this.management.success(Operations.createUndefineAttributeOperation(SMPP, "remote-servers"));
        for (String attribute : List.of("max-queued-bytes", "write-stall-timeout")) {
            // /subsystem=load-balancer/smpp=default:undefine-attribute(name=max-queued-bytes){allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(SMPP, attribute)));
        }
        // /subsystem=load-balancer/http=default:undefine-attribute(name=write-stall-timeout){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(HTTP, "write-stall-timeout")));
        if (this.smsc != null) {
            // /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=smsc-backpressure:remove{allow-resource-service-restart=true}
            this.management.success(Management.restarting(Operations.createRemoveOperation(SmppBalancingTestCase.outboundBinding(SMSC_BINDING))));
            this.smsc.stop();
            this.smsc.close();
        }
    }

    @Test
    void nonReadingEsmeIsClosedAfterWriteStallTimeoutAndCounted() throws Exception {
        this.smsc = TestSmsc.start("bp");
        // /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=smsc-backpressure:add(host=127.0.0.1, port=<its port>)
        ModelNode binding = Operations.createAddOperation(SmppBalancingTestCase.outboundBinding(SMSC_BINDING));
        binding.get("host").set("127.0.0.1");
        binding.get("port").set(this.smsc.address().getPort());
        this.management.success(binding);
        // batch
        // /subsystem=load-balancer/smpp=default:write-attribute(name=max-queued-bytes, value=65536)
        // /subsystem=load-balancer/smpp=default:write-attribute(name=write-stall-timeout, value=1000)
        // run-batch --headers={allow-resource-service-restart=true}
        Operations.CompositeOperationBuilder batch = Operations.CompositeOperationBuilder.create();
        batch.addStep(Operations.createWriteAttributeOperation(SMPP, "max-queued-bytes", 65536L));
        batch.addStep(Operations.createWriteAttributeOperation(SMPP, "write-stall-timeout", 1000L));
        ModelNode outcome = this.management.execute(Management.restarting(batch.build().getOperation()));
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), outcome::toString);
        // /subsystem=load-balancer/smpp=default:write-attribute(name=remote-servers, value=[smsc-backpressure])
        this.management.success(Operations.createWriteAttributeOperation(SMPP, "remote-servers", new ModelNode().add(SMSC_BINDING)));
        // /subsystem=load-balancer/smpp=default:read-attribute(name=max-queued-bytes)
        assertEquals(65536L, this.management.read(SMPP, "max-queued-bytes").asLong());
        long stalled = this.metric("smpp-stalled-connections");

        this.silent = bindSilentEsme();
        this.flood = this.smsc.flood(this.smsc.awaitSession(), 0);
        Management.await("a stalled SMPP connection counted", 15_000, () -> this.metric("smpp-stalled-connections") == stalled + 1);
        assertTrue(this.silent.closedByPeer(), "the ESME that never reads is closed");

        // the SMSC serves the next ESME
        Management.await("the silent ESME's upstream bind ended", 30_000, () -> !this.flood.isAlive());
        this.client = new DefaultSmppClient();
        this.esme = TestEsme.bind(this.client, SmppBalancingTestCase.BALANCER, SmppBindType.TRANSCEIVER, "esme", "secret");
        assertEquals(0, this.esme.submit("after the stall").getCommandStatus());
        assertEquals(stalled + 1, this.metric("smpp-stalled-connections"));
    }

    @Test
    void httpWriteStallTimeoutIsWrittenAndItsCounterRead() {
        // /subsystem=load-balancer/http=default:write-attribute(name=write-stall-timeout, value=5000){allow-resource-service-restart=true}
        ModelNode outcome = this.management.execute(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "write-stall-timeout", 5000)));
        assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertFalse(outcome.get("response-headers").hasDefined("operation-requires-reload"), outcome::toString);
        // /subsystem=load-balancer/http=default:read-attribute(name=write-stall-timeout)
        assertEquals(5000, this.management.read(HTTP, "write-stall-timeout").asInt());
        // /subsystem=load-balancer:read-attribute(name=http-stalled-connections)
        assertTrue(this.metric("http-stalled-connections") >= 0);
    }

    @Test
    void badValuesAreRefusedNamingTheAttribute() {
        // /subsystem=load-balancer/smpp=default:write-attribute(name=max-queued-bytes, value=100)
        assertRefused(this.management.write(SMPP, "max-queued-bytes", new ModelNode(100L)), "max-queued-bytes");
        // /subsystem=load-balancer/smpp=default:write-attribute(name=write-stall-timeout, value=0)
        assertRefused(this.management.write(SMPP, "write-stall-timeout", new ModelNode(0L)), "write-stall-timeout");
        // /subsystem=load-balancer/http=default:write-attribute(name=write-stall-timeout, value=-1)
        assertRefused(this.management.write(HTTP, "write-stall-timeout", new ModelNode(-1)), "write-stall-timeout");
        // /subsystem=load-balancer/smpp=default:read-attribute(name=max-queued-bytes)
        assertEquals(1048576L, this.management.read(SMPP, "max-queued-bytes").asLong(), "the default stays");
    }

    private static void assertRefused(ModelNode outcome, String attribute) {
        assertFalse(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        assertTrue(Operations.getFailureDescription(outcome).asString().contains(attribute), outcome::toString);
    }

    private long metric(String name) {
        // /subsystem=load-balancer:read-attribute(name=smpp-stalled-connections)
        return this.management.read(Management.SUBSYSTEM, name).asLong();
    }

    /** An ESME that binds, reads its bind_resp and never reads again, with a small receive buffer. */
    private static RawSmppSocket bindSilentEsme() throws Exception {
        RawSmppSocket socket = new RawSmppSocket(SmppBalancingTestCase.BALANCER, 16 * 1024);
        BindTransceiver bind = new BindTransceiver();
        bind.setSystemId("esme");
        bind.setPassword("secret");
        bind.setSystemType("vma");
        bind.setSequenceNumber(1);
        ChannelBuffer bytes = new DefaultPduTranscoder(new DefaultPduTranscoderContext()).encode(bind);
        byte[] array = new byte[bytes.readableBytes()];
        bytes.readBytes(array);
        socket.write(array);
        RawSmppSocket.Header answer = socket.read();
        assertEquals(0, answer.status(), "bound");
        return socket;
    }
}
