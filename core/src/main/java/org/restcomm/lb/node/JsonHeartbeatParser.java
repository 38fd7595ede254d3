package org.restcomm.lb.node;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * Reads the original balancer's HTTP/JSON heartbeat: one object whose single key is the command.
 * {@code sessionId} is a string in start and a number elsewhere; both normalise to the same text.
 */
public final class JsonHeartbeatParser {

    private static final String HOST_NAME = "hostName";
    private static final String IP = "ip";
    private static final String RESTCOMM_INSTANCE_ID = "restcommInstanceId";

    /** A heartbeat is an object of an object of scalars: depth 2. A little slack for nodes that send more. */
    public static final int MAX_DEPTH = 4;
    /** Session ids are longs; ports and versions are short. */
    public static final int MAX_NUMBER_LENGTH = 32;
    public static final int MAX_STRING_LENGTH = 4096;
    /** Digits a number may hold before or after the point once its exponent is applied. */
    private static final int MAX_NUMBER_DIGITS = 40;

    private final JsonProvider json;

    public JsonHeartbeatParser(JsonProvider json) {
        this.json = json;
    }

    public HeartbeatCommand parse(byte[] body) throws MalformedHeartbeatException {
        JsonObject message = this.readObject(body);
        if (message.size() != 1) {
            throw new MalformedHeartbeatException("expected one command key, found " + message.keySet());
        }
        String command = message.keySet().iterator().next();
        JsonObject fields = object(message.get(command), command);
        switch (command) {
            case "start":
                return new HeartbeatCommand.Start(advertisement(fields));
            case "heartbeat":
                return new HeartbeatCommand.Heartbeat(sessionId(fields, command));
            case "shutdown":
                return new HeartbeatCommand.Shutdown(sessionId(fields, command));
            case "stop":
                return new HeartbeatCommand.Stop(sessionId(fields, command));
            case "switchover":
                return new HeartbeatCommand.Switchover(requiredText(fields, "fromJvmRoute", command), requiredText(fields, "toJvmRoute", command));
            default:
                throw new MalformedHeartbeatException("unknown command '" + command + "'");
        }
    }

    private JsonObject readObject(byte[] body) throws MalformedHeartbeatException {
        String text = utf8(body);
        checkLimits(text);
        try (JsonReader reader = this.json.createReader(new StringReader(text))) {
            JsonValue value = reader.readValue();
            return object(value, "message");
        } catch (JsonException | IllegalStateException | ArithmeticException | NumberFormatException e) {
            // Parsson's own limits and syntax errors alike: the sender's fault, never a 500
            throw new MalformedHeartbeatException("not valid JSON: " + e.getMessage(), e);
        }
    }

    /** Strict UTF-8, as JSON requires: a decoder that replaces bad bytes would let a mangled message through. */
    private static String utf8(byte[] body) throws MalformedHeartbeatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedHeartbeatException("body is not valid UTF-8");
        }
    }

    /**
     * One pass over the text before the parser sees it: nesting, string and number lengths stay small, so the
     * parser never recurses deeply nor builds a huge number.
     */
    private static void checkLimits(String text) throws MalformedHeartbeatException {
        int depth = 0;
        int i = 0;
        int length = text.length();
        while (i < length) {
            char c = text.charAt(i);
            if (c == '"') {
                int start = ++i;
                while (i < length && text.charAt(i) != '"') {
                    i += (text.charAt(i) == '\\') ? 2 : 1;
                }
                if (i - start > MAX_STRING_LENGTH) {
                    throw new MalformedHeartbeatException("string longer than " + MAX_STRING_LENGTH + " characters");
                }
                i++;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_DEPTH) {
                    throw new MalformedHeartbeatException("nested deeper than " + MAX_DEPTH + " levels");
                }
                i++;
            } else if (c == '}' || c == ']') {
                depth--;
                i++;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int start = i;
                while (i < length && "+-.eE0123456789".indexOf(text.charAt(i)) >= 0) {
                    i++;
                }
                if (i - start > MAX_NUMBER_LENGTH) {
                    throw new MalformedHeartbeatException("number longer than " + MAX_NUMBER_LENGTH + " characters");
                }
            } else {
                i++;
            }
        }
    }

    private static NodeAdvertisement advertisement(JsonObject fields) throws MalformedHeartbeatException {
        String ip = text(fields.get(IP));
        if (ip == null || ip.isBlank()) {
            throw new MalformedHeartbeatException("start without ip");
        }
        Map<String, String> properties = new HashMap<>();
        for (Map.Entry<String, JsonValue> field : fields.entrySet()) {
            String key = field.getKey();
            if (key.equals(IP) || key.equals(HOST_NAME)) {
                continue;
            }
            String value = text(field.getValue());
            if (value != null) {
                properties.put(key.equals(RESTCOMM_INSTANCE_ID) ? NodeAdvertisement.RESTCOMM_INSTANCE_ID : key, value);
            }
        }
        properties.putIfAbsent(NodeAdvertisement.VERSION, NodeAdvertisement.DEFAULT_VERSION);
        return new NodeAdvertisement(text(fields.get(HOST_NAME)), ip.trim(), properties);
    }

    private static String sessionId(JsonObject fields, String command) throws MalformedHeartbeatException {
        return requiredText(fields, NodeAdvertisement.SESSION_ID, command);
    }

    private static String requiredText(JsonObject fields, String key, String command) throws MalformedHeartbeatException {
        String value = text(fields.get(key));
        if (value == null || value.isEmpty()) {
            throw new MalformedHeartbeatException(command + " without " + key);
        }
        return value;
    }

    private static JsonObject object(JsonValue value, String what) throws MalformedHeartbeatException {
        if (value == null || value.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new MalformedHeartbeatException(what + " is not a JSON object");
        }
        return value.asJsonObject();
    }

    /** Strings as they are, integral numbers without exponent or fraction, booleans as true/false. */
    private static String text(JsonValue value) throws MalformedHeartbeatException {
        if (value == null) {
            return null;
        }
        switch (value.getValueType()) {
            case STRING:
                return ((JsonString) value).getString();
            case NUMBER:
                // BigDecimal keeps 1e999999999 as digit and exponent: cheap to inspect, ruinous to expand
                BigDecimal number = ((JsonNumber) value).bigDecimalValue();
                long integerDigits = (long) number.precision() - number.scale();
                if (integerDigits > MAX_NUMBER_DIGITS || number.scale() > MAX_NUMBER_DIGITS) {
                    throw new MalformedHeartbeatException("number " + value + " out of range");
                }
                return (number.scale() == 0) ? number.toBigInteger().toString() : value.toString();
            case TRUE:
                return "true";
            case FALSE:
                return "false";
            default:
                return null;
        }
    }
}
