package org.restcomm.lb.node;

import java.io.ByteArrayInputStream;
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
        try (JsonReader reader = this.json.createReader(new ByteArrayInputStream(body))) {
            JsonValue value = reader.readValue();
            return object(value, "message");
        } catch (JsonException | IllegalStateException e) {
            throw new MalformedHeartbeatException("not valid JSON: " + e.getMessage(), e);
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
    private static String text(JsonValue value) {
        if (value == null) {
            return null;
        }
        switch (value.getValueType()) {
            case STRING:
                return ((JsonString) value).getString();
            case NUMBER:
                JsonNumber number = (JsonNumber) value;
                return number.isIntegral() ? number.bigIntegerValue().toString() : number.toString();
            case TRUE:
                return "true";
            case FALSE:
                return "false";
            default:
                return null;
        }
    }
}
