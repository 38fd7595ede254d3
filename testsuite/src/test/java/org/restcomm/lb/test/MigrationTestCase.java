package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/lb-migrate.sh of the provisioned server converts the guide's sample lb.properties and the original's own test
 * configurations; jboss-cli applies each script to a second balancer (a copy of this server on port offset 600, so
 * the shared one keeps its configuration), whose model then holds every attribute the script wrote, and which carries
 * calls with the guide's configuration. The copy's pristine standalone.xml is restored and reloaded before each test.
 */
public class MigrationTestCase extends LoadBalancerTestCase {

    private static final int OFFSET = 600;
    private static final Path HOME = Path.of(System.getProperty("jboss.home"));
    private static final Path SAMPLES = Path.of(System.getProperty("migrate.samples"));
    // the guide's host=192.168.1.70 is an expression's default: the copy listens on 127.0.0.1 instead
    private static final NodeServer BALANCER = NodeServer.balancerCopy("migrated-balancer", OFFSET, "-Djboss.bind.address.load-balancer=127.0.0.1");

    private static Path pristine;

    @BeforeAll
    static void startBalancerCopy() throws Exception {
        BALANCER.prepare();
        pristine = BALANCER.baseDir().resolve("standalone.xml.pristine");
        Files.copy(configuration(), pristine, StandardCopyOption.REPLACE_EXISTING);
        BALANCER.start();
        BALANCER.awaitStarted();
    }

    @AfterAll
    static void stopBalancerCopy() throws Exception {
        BALANCER.close();
    }

    private static Path configuration() {
        return BALANCER.baseDir().resolve("configuration").resolve("standalone.xml");
    }

    /** The layer's configuration again: the pristine file copied back, then :reload, which reads it. */
    @BeforeEach
    void restorePristineConfiguration() throws Exception {
        Files.copy(pristine, configuration(), StandardCopyOption.REPLACE_EXISTING);
        reload();
    }

    private static ModelControllerClient client() throws IOException {
        return ModelControllerClient.Factory.create("remote+http", "127.0.0.1", 9990 + OFFSET);
    }

    /**
     * :reload, then waits for the copy's console to log one more WFLYSRV0025 (started) and for server-state running;
     * the server may close the connection before it answers the reload itself.
     */
    private static void reload() throws Exception {
        Path console = BALANCER.baseDir().resolve("console.log");
        long startsBefore = starts(console);
        try (ModelControllerClient client = client()) {
            ModelNode outcome = client.execute(Operations.createOperation("reload"));
            assertTrue(Operations.isSuccessfulOutcome(outcome), outcome::toString);
        } catch (IOException e) {
            // the reload began before its answer was written
        }
        Management.await("the balancer copy to run again after :reload", 120_000, () -> {
            if (starts(console) <= startsBefore) {
                return false;
            }
            try (ModelControllerClient client = client()) {
                ModelNode outcome = client.execute(Operations.createReadAttributeOperation(new ModelNode().setEmptyList(), "server-state"));
                return Operations.isSuccessfulOutcome(outcome) && "running".equals(Operations.readResult(outcome).asString());
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static long starts(Path console) {
        return readQuietly(console).lines().filter(line -> line.contains("WFLYSRV0025")).count();
    }

    private record Run(int status, String output) {
    }

    private static Run run(Path log, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish:\n" + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log));
    }

    /**
     * bin/lb-migrate.sh sample > script (exit 1: each sample has keys this release cannot carry), then
     * bin/jboss-cli.sh --connect --controller=remote+http://127.0.0.1:10590 --file=script, then :reload; returns the script.
     */
    private static Path migrate(String sample) throws Exception {
        Path work = BALANCER.baseDir().resolve("migrate");
        Files.createDirectories(work);
        Path script = work.resolve(sample + ".cli");
        Path report = work.resolve(sample + ".report");
        Process converter = new ProcessBuilder(HOME.resolve("bin").resolve("lb-migrate.sh").toString(), SAMPLES.resolve(sample).toString())
                .redirectOutput(script.toFile()).redirectError(report.toFile()).start();
        converter.getOutputStream().close();
        assertTrue(converter.waitFor(60, TimeUnit.SECONDS), "lb-migrate.sh finished");
        assertEquals(1, converter.exitValue(), () -> "exit status 1: some keys are reported as not converted\n" + readQuietly(report));
        assertTrue(readQuietly(report).lines().anyMatch(line -> line.startsWith("dropped: line ")), () -> readQuietly(report));
        Run cli = run(work.resolve(sample + ".cli.log"), HOME.resolve("bin").resolve("jboss-cli.sh").toString(), "--connect",
                "--controller=remote+http://127.0.0.1:" + (9990 + OFFSET), "--file=" + script);
        assertEquals(0, cli.status, () -> "jboss-cli applied the script:\n" + cli.output + "\n" + readQuietly(script));
        assertTrue(cli.output.contains("The batch executed successfully"), cli.output);
        reload();
        return script;
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int checkModel(Path script) throws Exception {
        try (ModelControllerClient client = client()) {
            return AppliedScript.check(script, new Management(client));
        }
    }

    @Test
    public void theGuidesSampleAppliesAndItsBalancerCarriesCalls() throws Exception {
        Path script = migrate("guide-lb.properties");
        assertTrue(checkModel(script) >= 60, "every operation of the script checked against the model");
        try (ModelControllerClient client = client()) {
            Management balancer = new Management(client);
            // /interface=load-balancer:read-attribute(name=inet-address): host=192.168.1.70, overridable as jboss.bind.address.load-balancer
            assertEquals("${jboss.bind.address.load-balancer:192.168.1.70}", balancer.read(Operations.createAddress("interface", "load-balancer"), "inet-address").asString());
            // /subsystem=load-balancer/sip=default/listener=external-tls:read-attribute(name=ssl-context)
            assertEquals("load-balancer-server-ssl", balancer.read(Operations.createAddress("subsystem", "load-balancer", "sip", "default", "listener", "external-tls"),
                    "ssl-context").asString());
            // /subsystem=load-balancer/smpp=default:read-attribute(name=remote-servers): remoteServers' three SMSCs
            assertEquals(List.of("load-balancer-smsc-1", "load-balancer-smsc-2", "load-balancer-smsc-3"),
                    balancer.read(Operations.createAddress("subsystem", "load-balancer", "smpp", "default"), "remote-servers").asList().stream().map(ModelNode::asString).toList());
            // heartheatInterval is the guide's misspelling: the default stays
            assertEquals(150L, balancer.read(Management.SUBSYSTEM, "heartbeat-interval").asLong());

            // a node heartbeating to 2610+600, sipp calling the external port 5060+600
            Path directory = Sipp.workDirectory();
            HeartbeatClient heartbeats = new HeartbeatClient(URI.create("http://127.0.0.1:" + (2610 + OFFSET) + "/"));
            try (Sipp node = Sipp.uas(5691, 2, directory)) {
                Thread.sleep(500);
                assertEquals(200, heartbeats.start(HeartbeatClient.node(5691, 98001L, "1", "migrated-node")).status());
                try (Sipp caller = Sipp.uac("127.0.0.1:" + (5060 + OFFSET), 5692, 2, 1, directory)) {
                    assertEquals(0, caller.await(60), () -> "both calls complete through the migrated balancer: " + caller.output());
                }
                assertEquals(0, node.await(10), () -> "the node took both calls: " + node.output());
                // /subsystem=load-balancer/node=127.0.0.1\:5691:read-attribute(name=calls-assigned)
                assertEquals(2L, balancer.read(Management.node("127.0.0.1:5691"), "calls-assigned").asLong());
            } finally {
                heartbeats.command("stop", 98001L);
            }
        }
    }

    @Test
    public void theOriginalsPropertiesConfigurationApplies() throws Exception {
        assertTrue(checkModel(migrate("original-lb-configuration.properties")) >= 30);
    }

    @Test
    public void theOriginalsXmlConfigurationApplies() throws Exception {
        assertTrue(checkModel(migrate("original-lb-configuration.xml")) >= 25);
    }

    @Test
    public void theOriginalsSmppXmlConfigurationApplies() throws Exception {
        Path script = migrate("original-lb-configuration-smpp.xml");
        assertTrue(checkModel(script) >= 25);
        try (ModelControllerClient client = client()) {
            // /socket-binding-group=standard-sockets/remote-destination-outbound-socket-binding=load-balancer-smsc-1:read-attribute(name=port)
            assertEquals(10021, new Management(client).read(Operations.createAddress("socket-binding-group", "standard-sockets",
                    "remote-destination-outbound-socket-binding", "load-balancer-smsc-1"), "port").asInt());
        }
    }

    @Test
    public void theOriginalsUserBasedXmlConfigurationApplies() throws Exception {
        Path script = migrate("original-lb-configuration-test.xml");
        assertTrue(checkModel(script) >= 25);
        try (ModelControllerClient client = client()) {
            // /subsystem=load-balancer/algorithm=user-based:read-attribute(name=sip-affinity-exclusion-pattern)
            assertEquals(".*sip.nexmo.com", new Management(client).read(Operations.createAddress("subsystem", "load-balancer", "algorithm", "user-based"),
                    "sip-affinity-exclusion-pattern").asString());
        }
    }
}
