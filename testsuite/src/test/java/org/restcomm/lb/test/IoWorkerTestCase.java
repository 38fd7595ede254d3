package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import javax.management.remote.JMXConnector;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The root and http {@code worker} attributes: the balancer's listeners and threads come from the named io worker. */
public class IoWorkerTestCase extends LoadBalancerTestCase {

    private static final ModelNode HTTP = Operations.createAddress("subsystem", "load-balancer", "http", "default");
    private static final ModelNode HTTP_WORKER = Operations.createAddress("subsystem", "io", "worker", "lb-test-http");
    private static final ModelNode ROOT_WORKER = Operations.createAddress("subsystem", "io", "worker", "lb-test-root");

    @BeforeEach
    public void addWorkers() {
        for (ModelNode worker : List.of(HTTP_WORKER, ROOT_WORKER)) {
            // /subsystem=io/worker=lb-test-http:add(io-threads=2, task-max-threads=4)
            ModelNode add = Operations.createAddOperation(worker);
            add.get("io-threads").set(2);
            add.get("task-max-threads").set(4);
            this.management.success(add);
        }
    }

    /** The workers stay, idle: removing an io worker needs a reload, which would end the suite's server. */
    @AfterEach
    public void backToTheDefaultWorker() {
        // /subsystem=load-balancer/http=default:undefine-attribute(name=worker){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(HTTP, "worker")));
        // /subsystem=load-balancer:undefine-attribute(name=worker){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createUndefineAttributeOperation(Management.SUBSYSTEM, "worker")));
    }

    @Test
    public void httpEngineAndStatisticsEndpointRunOnTheNamedWorkers() throws Exception {
        assertFalse(this.threadNames().stream().anyMatch(name -> name.startsWith("lb-test-")), "an io worker nobody uses starts no threads");

        // /subsystem=load-balancer/http=default:write-attribute(name=worker, value=lb-test-http){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(HTTP, "worker", "lb-test-http")));
        // /subsystem=load-balancer:write-attribute(name=worker, value=lb-test-root){allow-resource-service-restart=true}
        this.management.success(Management.restarting(Operations.createWriteAttributeOperation(Management.SUBSYSTEM, "worker", "lb-test-root")));

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> proxied = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:2080/no-node-here")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(503, proxied.statusCode(), "the HTTP listener answers on its new worker (no node: 503)");
        HttpResponse<String> statistics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:2006/lbstat")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, statistics.statusCode(), "the statistics endpoint answers on its new worker");

        // /subsystem=io/worker=lb-test-http:read-children-names(child-type=server)
        assertTrue(this.servers(HTTP_WORKER).stream().anyMatch(server -> server.endsWith(":2080")), "the HTTP listener is the worker's: " + this.servers(HTTP_WORKER));
        assertTrue(this.servers(ROOT_WORKER).stream().anyMatch(server -> server.endsWith(":2006")), "the statistics endpoint is the root worker's: " + this.servers(ROOT_WORKER));
        List<String> threads = this.threadNames();
        assertTrue(threads.stream().anyMatch(name -> name.startsWith("lb-test-http I/O-")), "the HTTP engine's I/O threads: " + threads);
        assertTrue(threads.stream().anyMatch(name -> name.startsWith("lb-test-root I/O-")), "the root worker's I/O threads: " + threads);
    }

    private List<String> servers(ModelNode worker) {
        ModelNode operation = Operations.createOperation("read-children-names", worker);
        operation.get("child-type").set("server");
        return this.management.success(operation).asList().stream().map(ModelNode::asString).toList();
    }

    /** The server's thread names, read over JMX as JConsole shows them. */
    private List<String> threadNames() throws Exception {
        try (JMXConnector connector = JmxClient.connect(this.managementClient)) {
            ThreadMXBean threads = ManagementFactory.newPlatformMXBeanProxy(connector.getMBeanServerConnection(),
                    ManagementFactory.THREAD_MXBEAN_NAME, ThreadMXBean.class);
            return Arrays.stream(threads.getThreadInfo(threads.getAllThreadIds())).filter(Objects::nonNull).map(ThreadInfo::getThreadName).toList();
        }
    }
}
