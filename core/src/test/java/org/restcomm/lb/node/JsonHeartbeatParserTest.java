package org.restcomm.lb.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;

import jakarta.json.spi.JsonProvider;
import org.junit.jupiter.api.Test;

class JsonHeartbeatParserTest {

    private final JsonHeartbeatParser parser = new JsonHeartbeatParser(JsonProvider.provider());

    @Test
    void startKeepsEveryKeyAndRenamesRestcommInstanceId() throws Exception {
        HeartbeatCommand.Start start = assertInstanceOf(HeartbeatCommand.Start.class, this.parse(
                "{\"start\":{\"hostName\":\"n1\",\"ip\":\"10.0.0.5\",\"udpPort\":\"5080\",\"sessionId\":\"1700000000001\","
                        + "\"restcommInstanceId\":\"ID9\",\"jvmRoute\":\"r1\",\"heartbeatPort\":2611}}"));

        NodeAdvertisement advertisement = start.advertisement();
        assertEquals("n1", advertisement.hostName());
        assertEquals("10.0.0.5:5080", advertisement.nodeName());
        assertEquals("ID9", advertisement.properties().get("Restcomm-Instance-Id"));
        assertEquals("2611", advertisement.properties().get("heartbeatPort"));
        assertEquals("0", advertisement.version(), "version defaults to 0");
    }

    @Test
    void numericAndStringSessionIdsNormaliseToTheSameText() throws Exception {
        HeartbeatCommand.Heartbeat number = assertInstanceOf(HeartbeatCommand.Heartbeat.class, this.parse("{\"heartbeat\":{\"sessionId\":1700000000001}}"));
        HeartbeatCommand.Heartbeat text = assertInstanceOf(HeartbeatCommand.Heartbeat.class, this.parse("{\"heartbeat\":{\"sessionId\":\"1700000000001\"}}"));
        assertEquals(text.sessionId(), number.sessionId());
    }

    @Test
    void malformedMessagesAreRejected() {
        for (String body : new String[] { "", "{", "[]", "\"start\"", "{}", "{\"dance\":{}}", "{\"start\":{}}", "{\"start\":{\"ip\":\"\"}}",
                "{\"start\":\"10.0.0.1\"}", "{\"stop\":{}}", "{\"switchover\":{\"fromJvmRoute\":\"a\"}}", "{\"stop\":{\"sessionId\":1},\"start\":{\"ip\":\"1\"}}" }) {
            assertThrows(MalformedHeartbeatException.class, () -> this.parse(body), body);
        }
    }

    private HeartbeatCommand parse(String body) throws MalformedHeartbeatException {
        return this.parser.parse(body.getBytes(StandardCharsets.UTF_8));
    }
}
