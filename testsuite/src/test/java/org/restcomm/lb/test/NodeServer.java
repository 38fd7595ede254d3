package org.restcomm.lb.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.as.controller.client.ModelControllerClient;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;

/**
 * A WildFly server provisioned with the load-balancer-node layer ({@code jboss.home.node}), run as its own process
 * from a copy of its {@code standalone/} directory: {@code bin/standalone.sh -Djboss.server.base.dir=<copy>
 * -Djboss.node.name=<name> -Djboss.socket.binding.port-offset=<offset>}. {@link #balancerCopy} runs the balancer's
 * own server ({@code jboss.home}) the same way, for a test that must not change the shared one.
 */
final class NodeServer implements AutoCloseable {

    private static final Path NODE_HOME = Path.of(System.getProperty("jboss.home.node"));
    private static final long STARTUP_TIMEOUT_MILLIS = 90_000;

    private final Path home;
    private final String name;
    private final String instanceId;
    private final int portOffset;
    private final Path baseDir;
    private final List<String> properties;
    /** Whether the server's own bin/standalone.conf sets the JVM options, as for a user who runs bin/standalone.sh. */
    private final boolean ownJvmOptions;
    private Process process;

    /** @param instanceId undertow's instance-id on this server: the jvmRoute suffix of its session ids */
    NodeServer(String name, String instanceId, int portOffset) {
        this(NODE_HOME, name, instanceId, portOffset, List.of("-Djboss.load-balancer-node.balancers=127.0.0.1:2610"), false);
    }

    private NodeServer(Path home, String name, String instanceId, int portOffset, List<String> properties, boolean ownJvmOptions) {
        this.home = home;
        this.ownJvmOptions = ownJvmOptions;
        this.name = name;
        this.instanceId = instanceId;
        this.portOffset = portOffset;
        // in the testsuite's target, whichever server it copies
        this.baseDir = NODE_HOME.resolveSibling("real-nodes").resolve(name);
        this.properties = properties;
        // should the test JVM end without @AfterAll (a surefire timeout, a crash), no server outlives it
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "kill " + name));
    }

    /**
     * A second balancer from the testsuite's own server ({@code jboss.home}), with its node layer heartbeating to no
     * balancer, as arquillian.xml starts the shared one; {@link #prepare()} copies its configuration.
     */
    static NodeServer balancerCopy(String name, int portOffset, String... properties) {
        return balancerCopy(Path.of(System.getProperty("jboss.home")), name, portOffset, properties);
    }

    /** As {@link #balancerCopy}, from the server that adds the load-balancer-ha layer ({@code jboss.home.ha}). */
    static NodeServer haBalancerCopy(String name, int portOffset, String... properties) {
        return balancerCopy(Path.of(System.getProperty("jboss.home.ha")), name, portOffset, properties);
    }

    private static NodeServer balancerCopy(Path home, String name, int portOffset, String... properties) {
        List<String> all = new ArrayList<>(List.of("-Djboss.load-balancer-node.balancers=127.0.0.1:1"));
        all.addAll(List.of(properties));
        return new NodeServer(home, name, null, portOffset, all, false);
    }

    /**
     * The server the README's run command builds ({@code dist/target/server}, {@code jboss.home.dist}), launched with the
     * JVM options of its own {@code bin/standalone.conf}, as a user launches it.
     */
    static NodeServer distCopy(String name, int portOffset) {
        Path home = Path.of(System.getProperty("jboss.home.dist"));
        if (!Files.isExecutable(home.resolve("bin").resolve("standalone.sh"))) {
            throw new IllegalStateException("no dist server at " + home + ": build the dist module before the testsuite");
        }
        return new NodeServer(home, name, null, portOffset, List.of(), true);
    }

    Path baseDir() {
        return this.baseDir;
    }

    String name() {
        return this.name;
    }

    String instanceId() {
        return this.instanceId;
    }

    int httpPort() {
        return 8080 + this.portOffset;
    }

    /** The balancer's resource name for this node: the public interface's address and the http port. */
    String balancerNodeName() {
        return "127.0.0.1:" + this.httpPort();
    }

    boolean isRunning() {
        return this.process != null && this.process.isAlive();
    }

    /** A fresh copy of the provisioned standalone/ directory with the web app in its deployments and undertow's instance-id set. */
    void prepare(WebArchive app) throws IOException {
        this.prepare();
        Path config = this.baseDir.resolve("configuration").resolve("standalone.xml");
        String xml = Files.readString(config);
        String undertow = Pattern.compile("<subsystem xmlns=\"urn:jboss:domain:undertow:[^\"]+\"").matcher(xml).results().findFirst()
                .orElseThrow(() -> new AssertionError("no undertow subsystem in " + config)).group();
        Files.writeString(config, xml.replace(undertow, undertow + " instance-id=\"" + this.instanceId + "\""));
        app.as(ZipExporter.class).exportTo(this.baseDir.resolve("deployments").resolve(app.getName()).toFile(), true);
    }

    /** A fresh copy of the provisioned standalone/ directory. */
    void prepare() throws IOException {
        deleteRecursively(this.baseDir);
        Path source = this.home.resolve("standalone");
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = this.baseDir.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** Launches the server; {@link #awaitStarted()} waits for it. */
    void start() throws IOException {
        Path console = this.baseDir.resolve("console.log");
        List<String> command = new ArrayList<>(List.of(this.home.resolve("bin").resolve("standalone.sh").toString(),
                "-Djboss.server.base.dir=" + this.baseDir,
                "-Djboss.node.name=" + this.name,
                "-Djboss.socket.binding.port-offset=" + this.portOffset));
        command.addAll(this.properties);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(console.toFile());
        builder.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        if (this.ownJvmOptions) {
            builder.environment().remove("JAVA_OPTS");
        } else {
            builder.environment().put("JAVA_OPTS", "-Xms64m -Xmx256m -XX:TieredStopAtLevel=1 -Djava.net.preferIPv4Stack=true -Djava.awt.headless=true");
        }
        builder.environment().put("JBOSS_HOME", this.home.toString());
        this.process = builder.start();
    }

    /** Waits for WFLYSRV0025 (started) in the console log; fails on WFLYSRV0026 (started with errors) or an exit. */
    void awaitStarted() throws IOException, InterruptedException {
        Path console = this.baseDir.resolve("console.log");
        long deadline = System.currentTimeMillis() + STARTUP_TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            String log = Files.exists(console) ? Files.readString(console) : "";
            if (log.contains("WFLYSRV0026") || !this.process.isAlive()) {
                throw new AssertionError(this.name + " did not start cleanly:\n" + log);
            }
            if (log.contains("WFLYSRV0025")) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError(this.name + " did not start within " + STARTUP_TIMEOUT_MILLIS + " ms");
    }

    /** What the server wrote to its console so far. */
    String console() throws IOException {
        Path console = this.baseDir.resolve("console.log");
        return Files.exists(console) ? Files.readString(console) : "";
    }

    /** Whether the server's JVM ended by itself within the timeout. */
    boolean awaitExit(long timeoutMillis) throws InterruptedException {
        return this.process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** A management client on this server's own http management port (9990 + offset), local authentication. */
    ModelControllerClient managementClient() throws IOException {
        return ModelControllerClient.Factory.create("remote+http", "127.0.0.1", 9990 + this.portOffset);
    }

    /** SIGTERM to the server's JVM, as an init system stops it; waits for it and its script to end, killing them after 30 s. */
    void stop() throws InterruptedException {
        if (this.process == null) {
            return;
        }
        List<ProcessHandle> processes = Stream.concat(this.process.descendants(), Stream.of(this.process.toHandle())).toList();
        processes.forEach(ProcessHandle::destroy);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                process.destroyForcibly();
            }
        }
        this.process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * SIGKILL (kill -9) to the server's JVM, then to its script, as a crash ends them: no shutdown, no JGroups leave.
     * The JVM is a child of standalone.sh, so killing only the script would leave the server running.
     */
    void kill() {
        Process process = this.process;
        if (process != null && process.isAlive()) {
            List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
            tree.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle handle : tree) {
                handle.onExit().completeOnTimeout(handle, 10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        this.stop();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
