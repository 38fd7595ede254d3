package org.restcomm.lb.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external peer (Kamailio, a browser script) run by a test, its output in a file under target/ for failure messages.
 * Not inheritIO: Node.js makes an inherited stdin non-blocking, and the surefire fork reads its commands there.
 */
final class LoggedProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private LoggedProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static LoggedProcess start(List<String> command, Path directory, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Process process;
        try {
            process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException(command.get(0) + " is required (the README's test command installs it): " + e.getMessage(), e);
        }
        process.getOutputStream().close();
        return new LoggedProcess(process, log);
    }

    /** The exit code, or a failure with the output when the process is still running after the timeout. */
    int await(long seconds) throws InterruptedException {
        if (!this.process.waitFor(seconds, TimeUnit.SECONDS)) {
            this.close();
            throw new AssertionError(this.process.info().command().orElse("process") + " did not finish in " + seconds + " s:\n" + this.output());
        }
        return this.process.exitValue();
    }

    boolean alive() {
        return this.process.isAlive();
    }

    /** What it printed so far, its last 16 000 characters. */
    String output() {
        try {
            String text = Files.readString(this.log);
            return (text.length() > 16_000) ? text.substring(text.length() - 16_000) : text;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * Ends the process and every process it started: Kamailio's workers outlived their main process once and held
     * its port for the rest of the suite.
     */
    @Override
    public void close() {
        List<ProcessHandle> tree = new ArrayList<>(this.process.descendants().toList());
        tree.add(this.process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                if (left <= 0 || !waitFor(handle, left)) {
                    handle.destroyForcibly();
                    waitFor(handle, TimeUnit.SECONDS.toNanos(5));
                }
            } catch (InterruptedException e) {
                handle.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean waitFor(ProcessHandle handle, long nanos) throws InterruptedException {
        try {
            handle.onExit().get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return !handle.isAlive();
        }
    }
}
