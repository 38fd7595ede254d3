package org.restcomm.lb.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code lb-migrate <lb.properties | lb-configuration.xml>}: prints the jboss-cli script on standard output and
 * what could not be carried over on standard error. Exit status 0: every key converted; 1: some were dropped
 * (each named with its line and why); 2: the file could not be read.
 */
public final class Main {

    static final int CONVERTED = 0;
    static final int DROPPED = 1;
    static final int UNREADABLE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 1 || args[0].startsWith("-")) {
            err.println("usage: lb-migrate.sh <lb.properties | lb-configuration.xml>");
            err.println("prints a jboss-cli script for /subsystem=load-balancer on standard output; keys it cannot convert on standard error");
            err.println("exit status: 0 every key converted, 1 some keys not converted, 2 the file could not be read");
            return UNREADABLE;
        }
        Path file = Path.of(args[0]);
        Report report = new Report();
        Script script;
        try {
            boolean xml = isXml(file);
            if (xml) {
                try (InputStream in = Files.newInputStream(file)) {
                    script = Converter.convert(XmlReader.read(in), report, true, null);
                }
            } else {
                List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
                script = Converter.convert(PropertiesReader.read(lines, report), report, false, lines);
            }
        } catch (IOException | RuntimeException e) {
            err.println("lb-migrate: cannot read " + file + ": " + (e.getMessage() == null ? e : e.getMessage()));
            return UNREADABLE;
        }
        out.print(script.render(file.getFileName().toString()));
        report.print(err);
        return report.anythingDropped() ? DROPPED : CONVERTED;
    }

    /** lb-configuration.xml by its name, or by its first character when the name says neither. */
    private static boolean isXml(Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".xml")) {
            return true;
        }
        if (name.endsWith(".properties")) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            int first;
            do {
                first = in.read();
            } while (first == ' ' || first == '\n' || first == '\r' || first == '\t' || first == 0xEF || first == 0xBB || first == 0xBF);
            return first == '<';
        }
    }
}
