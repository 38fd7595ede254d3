package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/** The npm packages of a test's JavaScript peers: a fresh clone has only package.json and package-lock.json. */
final class NpmPackages {

    private NpmPackages() {
    }

    /** {@code npm ci} in the directory unless every named package is installed there already; its output goes to target/. */
    static void install(Path directory, String... packages) throws IOException, InterruptedException {
        if (Arrays.stream(packages).allMatch(name -> Files.isDirectory(directory.resolve("node_modules").resolve(name)))) {
            return;
        }
        Path log = Path.of("target", "npm-ci-" + directory.getFileName() + ".log").toAbsolutePath();
        try (LoggedProcess npm = LoggedProcess.start(java.util.List.of("npm", "ci", "--prefer-offline", "--no-audit", "--no-fund"), directory, log)) {
            int exit = npm.await(TimeUnit.MINUTES.toSeconds(5));
            assertTrue(exit == 0, () -> "npm ci in " + directory + " exited " + exit + ":\n" + npm.output());
        }
    }
}
