package org.restcomm.lb.test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** sipp (Debian sip-tester), the independent SIP peer: its built-in uac and uas scenarios as processes. */
final class Sipp implements AutoCloseable {

    private final Process process;
    private final Path output;
    private final Path messages;

    private Sipp(List<String> arguments, Path directory) throws IOException {
        this(arguments, directory, null);
    }

    private Sipp(List<String> arguments, Path directory, Path messages) throws IOException {
        List<String> command = new ArrayList<>();
        command.add("sipp");
        command.addAll(arguments);
        String name = String.join("-", arguments).replaceAll("[^A-Za-z0-9-]", "_");
        this.output = directory.resolve("sipp-" + name.substring(Math.max(0, name.length() - 150)) + ".out");
        this.messages = messages;
        try {
            this.process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(this.output.toFile()).start();
        } catch (IOException e) {
            throw new IOException("sipp is required for the SIP tests: apt-get install sip-tester (.ci/run does)", e);
        }
    }

    /** A node answering calls on 127.0.0.1:port, exiting after the given number of calls. */
    static Sipp uas(int port, int calls, Path directory) throws IOException {
        return uas("u1", port, calls, directory);
    }

    /** transport as sipp names it: u1 (UDP) or t1 (TCP, one connection). */
    static Sipp uas(String transport, int port, int calls, Path directory) throws IOException {
        return uas(transport, "127.0.0.1", port, calls, directory);
    }

    /** A node answering calls on address:port ({@code ::1} for IPv6), exiting after the given number of calls. */
    static Sipp uas(String transport, String address, int port, int calls, Path directory) throws IOException {
        return new Sipp(List.of("-sn", "uas", "-t", transport, "-i", address, "-p", Integer.toString(port), "-m", Integer.toString(calls), "-nostdin"), directory);
    }

    /** A node answering calls on 127.0.0.1:port until stopped, and OPTIONS (the balancer's probes) with 200 OK ({@code -aa}). */
    static Sipp uasAnsweringProbes(int port, Path directory) throws IOException {
        return new Sipp(List.of("-sn", "uas", "-aa", "-t", "u1", "-i", "127.0.0.1", "-p", Integer.toString(port), "-nostdin"), directory);
    }

    /**
     * A caller placing load: failed calls are counted ({@link #counter}), the run does not stop on them. A call waiting
     * 10 s for an answer fails: after the balancer's 100 Trying sipp no longer retransmits, so an INVITE lost with a
     * dead node would wait for ever.
     */
    static Sipp load(String target, int port, int calls, int rate, Path directory) throws IOException {
        return new Sipp(List.of("-sn", "uac", target, "-t", "u1", "-i", "127.0.0.1", "-p", Integer.toString(port), "-m", Integer.toString(calls),
                "-r", Integer.toString(rate), "-nostdin", "-recv_timeout", "10000", "-timeout", "100s"), directory);
    }

    /**
     * A peer playing the scenario file on 127.0.0.1:port over UDP, exiting after the given number of calls, with every
     * message it sends and receives written to {@code <scenario name>-messages.log} ({@link #messages}).
     */
    static Sipp scenario(Path scenario, int port, int calls, Path directory) throws IOException {
        String name = scenario.getFileName().toString().replaceFirst("\\.xml$", "");
        Path messages = directory.resolve(name + "-messages.log").toAbsolutePath();
        Files.deleteIfExists(messages);
        return new Sipp(List.of("-sf", scenario.toAbsolutePath().toString(), "-t", "u1", "-i", "127.0.0.1", "-p", Integer.toString(port),
                "-m", Integer.toString(calls), "-nostdin", "-trace_msg", "-message_file", messages.toString()), directory, messages);
    }

    /** The messages a {@link #scenario} peer sent and received so far. */
    String messages() {
        try {
            return Files.exists(this.messages) ? Files.readString(this.messages) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** The process is gone at once (SIGKILL), as a node that crashes. */
    void kill() throws InterruptedException {
        this.process.destroyForcibly();
        this.process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP or SIGCONT: a node that stays alive but stops (or resumes) answering. */
    void signal(String signal) throws IOException, InterruptedException {
        // not inheritIO: the surefire fork talks to Maven over its own stdin and stdout
        new ProcessBuilder("kill", "-" + signal, Long.toString(this.process.pid())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    }

    /** The last figure of sipp's "Successful call" or "Failed call" line: the cumulative count. */
    long counter(String name) throws IOException {
        long value = -1;
        for (String line : Files.readAllLines(this.output)) {
            if (line.trim().startsWith(name)) {
                String[] columns = line.split("\\|");
                value = Long.parseLong(columns[columns.length - 1].trim());
            }
        }
        return value;
    }

    /** A caller placing calls through target at the given rate, failing (exit 1) if any call fails. */
    static Sipp uac(String target, int port, int calls, int rate, Path directory) throws IOException {
        return uac("u1", target, port, calls, rate, directory);
    }

    static Sipp uac(String transport, String target, int port, int calls, int rate, Path directory) throws IOException {
        return uac(transport, "127.0.0.1", target, port, calls, rate, directory);
    }

    /** A caller on address:port ({@code ::1} for IPv6, the target then {@code [::1]:5160}). */
    static Sipp uac(String transport, String address, String target, int port, int calls, int rate, Path directory) throws IOException {
        return new Sipp(List.of("-sn", "uac", target, "-t", transport, "-i", address, "-p", Integer.toString(port), "-m", Integer.toString(calls),
                "-r", Integer.toString(rate), "-nostdin", "-timeout", "30s", "-timeout_error", "-trace_err"), directory);
    }

    /** The exit code: 0 when every call succeeded. */
    int await(long seconds) throws InterruptedException {
        if (!this.process.waitFor(seconds, TimeUnit.SECONDS)) {
            this.process.destroyForcibly();
            throw new AssertionError("sipp did not finish in " + seconds + " s: " + this.output());
        }
        return this.process.exitValue();
    }

    String output() {
        try {
            String text = Files.readString(this.output);
            return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
        } catch (IOException e) {
            return e.toString();
        }
    }

    static Path workDirectory() throws IOException {
        Path directory = new File("target/sipp").toPath();
        Files.createDirectories(directory);
        return directory;
    }

    boolean alive() {
        return this.process.isAlive();
    }

    @Override
    public void close() {
        this.process.destroy();
        try {
            if (!this.process.waitFor(2, TimeUnit.SECONDS)) {
                this.process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            this.process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
