package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.restcomm.lb.smpp.TestSmsc;

/** An SMPP implementation other than ours and Cloudhopper's, the npm smpp package, as ESME and as SMSC on both sides of the balancer. */
public class SmppNodePeersTestCase extends LoadBalancerTestCase {

    static final Path SCRIPTS = Path.of(System.getProperty("node.peers.dir", "src/test/node"));

    /** npm ci installs exactly the locked smpp 0.5.1. */
    @BeforeAll
    static void installNodePackages() throws Exception {
        NpmPackages.install(SCRIPTS, "smpp");
    }

    @Test
    void nodeEsmeReachesNodeSmscThroughTheBalancerAndGetsItsDeliverSm() throws Exception {
        int port = TestSmsc.freePort();
        ModelNode binding = SmppBalancingTestCase.outboundBinding("node-smsc");
        Peer smsc = Peer.start("smsc.js", Integer.toString(port));
        try {
            assertEquals("LISTENING " + port, smsc.line(), "the node SMSC started");
            // /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=node-smsc:add(host=127.0.0.1, port=<port>)
            ModelNode add = Operations.createAddOperation(binding);
            add.get("host").set("127.0.0.1");
            add.get("port").set(port);
            this.management.success(add);
            // /subsystem=load-balancer/smpp=default:write-attribute(name=remote-servers, value=[node-smsc])
            this.management.success(Operations.createWriteAttributeOperation(SmppBalancingTestCase.SMPP, "remote-servers", new ModelNode().add("node-smsc")));

            Peer esme = Peer.start("esme.js", "127.0.0.1", "2776", "node-esme", "pw", "hello through the balancer");
            try {
                assertEquals("BIND_RESP 0", esme.line());
                assertEquals("SUBMIT_SM_RESP 0 node-1", esme.line(), "the node SMSC's message_id came back");
                assertEquals("DELIVER_SM reply from node smsc", esme.line(), "the node SMSC's deliver_sm reached the node ESME");
                assertEquals("UNBOUND", esme.line());
                assertTrue(esme.process.waitFor(10, TimeUnit.SECONDS) && esme.process.exitValue() == 0, "the node ESME finished cleanly");
            } finally {
                esme.process.destroy();
            }
            assertEquals("BIND bind_transceiver node-esme", smsc.line(), "the balancer bound with the ESME's system_id");
            assertEquals("SUBMIT_SM 5678 hello through the balancer", smsc.line());
            assertEquals("DELIVER_SM_RESP 0", smsc.line(), "the node ESME's deliver_sm_resp came back");
        } finally {
            smsc.process.destroy();
            this.management.success(Operations.createUndefineAttributeOperation(SmppBalancingTestCase.SMPP, "remote-servers"));
            this.management.success(SmppBalancingTestCase.restarting(Operations.createRemoveOperation(binding)));
        }
    }

    /** A node script whose stdout lines are read as they come. */
    record Peer(Process process, BlockingQueue<String> lines) {

        static Peer start(String script, String... arguments) throws IOException {
            List<String> command = new java.util.ArrayList<>(List.of("node", script));
            command.addAll(List.of(arguments));
            Process process = new ProcessBuilder(command).directory(SCRIPTS.toFile()).redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, script);
            reader.setDaemon(true);
            reader.start();
            return new Peer(process, lines);
        }

        /** The next line printed, or a failure naming the script after 20 s of silence. */
        String line() throws InterruptedException {
            String line = this.lines.poll(20, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no output from " + this.process.info().commandLine().orElse("node") + " within 20 s");
            }
            return line;
        }
    }
}
