package org.restcomm.lb.sip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The blocked values found in a datagram's bytes as the text comparison finds them in its text. */
class BlockedScannersTest {

    @Test
    void aValueIsFoundAnywhereInTheRangeWhateverItsCase() {
        BlockedScanners blocked = new BlockedScanners(List.of("SIPVicious", "friendly-scanner"));
        assertTrue(blocked.any());
        assertTrue(blocked.ascii());
        assertTrue(found(blocked, "sipvicious-0.3.4"));
        assertTrue(found(blocked, "\"x\" <sip:FRIENDLY-SCANNER@10.0.0.1>"));
        assertFalse(found(blocked, "sipviciou"), "a prefix of a value is not the value");
        assertFalse(found(blocked, "Linphone/5.0"));
        byte[] bytes = "xxsipviciousxx".getBytes(StandardCharsets.US_ASCII);
        assertFalse(blocked.foundIn(bytes, 3, 14), "only inside the range");
    }

    @Test
    void noValueBlocksNothingAndAValueBeyondAsciiIsLeftToTheText() {
        assertFalse(new BlockedScanners(List.of()).any());
        assertFalse(new BlockedScanners(List.of("sipcli", "\u0130stanbul-scanner")).ascii());
    }

    private static boolean found(BlockedScanners blocked, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return blocked.foundIn(bytes, 0, bytes.length);
    }
}
