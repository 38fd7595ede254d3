package org.restcomm.lb.migrate;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The jboss-cli batch being written: operations in dependency order, each after a comment naming the keys it came from. */
final class Script {

    /** Order of the batch: what an operation references is added in an earlier section. */
    enum Section {
        INTERFACES, SOCKET_BINDINGS, ELYTRON, ROOT, HEARTBEAT, ALGORITHM, SIP, LISTENERS, HTTP, SMPP
    }

    private final Map<Section, List<String>> sections = new EnumMap<>(Section.class);

    void add(Section section, String comment, String operation) {
        List<String> lines = this.sections.computeIfAbsent(section, s -> new ArrayList<>());
        lines.add("# " + comment);
        lines.add(operation);
    }

    boolean isEmpty() {
        return this.sections.isEmpty();
    }

    String render(String source) {
        StringBuilder script = new StringBuilder();
        script.append("# jboss-cli script converted from ").append(source).append(" by lb-migrate\n");
        script.append("# apply it with: bin/jboss-cli.sh --connect --file=<this file>, then reload the server\n");
        script.append("batch\n");
        this.sections.values().forEach(lines -> lines.forEach(line -> script.append(line).append('\n')));
        script.append("run-batch\n");
        return script.toString();
    }

    /** A string as a jboss-cli parameter value: always quoted, so commas, blanks and brackets stay inside it. */
    static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    static String list(List<String> values) {
        return values.stream().map(Script::quote).collect(Collectors.joining(", ", "[", "]"));
    }

    static String properties(Map<String, String> values) {
        return values.entrySet().stream().map(entry -> quote(entry.getKey()) + " => " + quote(entry.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    static String writeAttribute(String address, String name, String value) {
        return address + ":write-attribute(name=" + name + ", value=" + value + ")";
    }
}
