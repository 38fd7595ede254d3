package org.restcomm.lb.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.as.controller.client.helpers.Operations;
import org.jboss.dmr.ModelNode;
import org.jboss.dmr.ModelType;

/**
 * The operations of a jboss-cli script read back from the model: every attribute an {@code add} or a
 * {@code write-attribute} set must now have that value, every {@code remove}d resource must be gone.
 */
final class AppliedScript {

    private static final Pattern OPERATION = Pattern.compile("(/[^:]*):([a-z-]+)\\((.*)\\)");

    private AppliedScript() {
    }

    /** Checks each operation of the script against the model; returns how many attributes and resources were checked. */
    static int check(Path script, Management management) throws IOException {
        int checked = 0;
        for (String line : Files.readAllLines(script)) {
            Matcher operation = OPERATION.matcher(line);
            if (line.startsWith("#") || !operation.matches()) {
                continue;
            }
            ModelNode address = address(operation.group(1));
            List<String[]> parameters = parameters(operation.group(3));
            switch (operation.group(2)) {
                case "remove" -> {
                    ModelNode outcome = management.execute(Operations.createReadResourceOperation(address));
                    assertFalse(Operations.isSuccessfulOutcome(outcome), () -> line + ": the resource is still there");
                }
                case "add" -> {
                    ModelNode resource = management.success(Operations.createReadResourceOperation(address));
                    for (String[] parameter : parameters) {
                        // a credential is stored as written, but jboss-cli's {clear-text=...} is not DMR syntax
                        if (!parameter[0].equals("credential-reference")) {
                            assertValue(line, parameter[0], parameter[1], resource.get(parameter[0]));
                        }
                        checked++;
                    }
                }
                case "write-attribute" -> {
                    assertEquals("name", parameters.get(0)[0], line);
                    assertValue(line, parameters.get(0)[1], parameters.get(1)[1], management.success(Operations.createReadAttributeOperation(address, parameters.get(0)[1])));
                }
                default -> throw new AssertionError("an operation the converter does not write: " + line);
            }
            checked++;
        }
        return checked;
    }

    private static void assertValue(String line, String attribute, String written, ModelNode actual) {
        ModelNode expected = (written.startsWith("[") || written.startsWith("{")) ? ModelNode.fromString(written) : new ModelNode(unquote(written));
        if (expected.getType() == ModelType.LIST || expected.getType() == ModelType.OBJECT) {
            assertEquals(expected, actual, () -> line + ": " + attribute);
        } else {
            assertTrue(actual.isDefined(), () -> line + ": " + attribute + " is undefined");
            assertEquals(expected.asString(), actual.asString(), () -> line + ": " + attribute);
        }
    }

    private static ModelNode address(String path) {
        List<String> elements = new ArrayList<>();
        for (String element : path.substring(1).split("/")) {
            String[] pair = element.split("=", 2);
            elements.add(pair[0]);
            elements.add(pair[1]);
        }
        return Operations.createAddress(elements);
    }

    /** name=value pairs separated by commas outside quotes, brackets and braces. */
    private static List<String[]> parameters(String text) {
        List<String[]> parameters = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            char c = (i < text.length()) ? text.charAt(i) : ',';
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String parameter = text.substring(start, i).strip();
                if (!parameter.isEmpty()) {
                    parameters.add(parameter.split("=", 2));
                }
                start = i + 1;
            }
        }
        return parameters;
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return value;
    }
}
