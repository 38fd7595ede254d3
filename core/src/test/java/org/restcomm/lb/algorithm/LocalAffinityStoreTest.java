package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

class LocalAffinityStoreTest {

    private static final long IDLE = 30_000;

    private final LocalAffinityStore store = new LocalAffinityStore();

    @Test
    void theFirstClaimWinsAndLaterClaimsGetItsNode() {
        assertEquals("a", this.store.claim("k", "a", 0, IDLE));
        assertEquals("a", this.store.claim("k", "b", 10, IDLE));
        assertEquals("a", this.store.owner("k", 20));
    }

    @Test
    void aClaimReplacesAnOwnerIdleForMaxIdleTimeEvenBeforeTheSweep() {
        this.store.claim("k", "a", 0, IDLE);
        assertEquals("b", this.store.claim("k", "b", IDLE, IDLE));
    }

    @Test
    void aMoveHappensOnlyFromTheExpectedOwner() {
        this.store.claim("k", "a", 0, IDLE);
        assertEquals("b", this.store.reassign("k", "a", "b", 1, IDLE));
        assertEquals("b", this.store.reassign("k", "a", "c", 2, IDLE), "another balancer moved it first: follow it");
        assertEquals("c", this.store.reassign("gone", "a", "c", 3, IDLE), "a forgotten key is simply taken");
    }

    @Test
    void theSweepForgetsKeysUnusedSinceAndUseKeepsAKey() {
        this.store.claim("idle", "a", 0, IDLE);
        this.store.claim("used", "b", 0, IDLE);
        this.store.owner("used", 20_000);

        this.store.evictIdleSince(10_000);

        assertNull(this.store.owner("idle", 20_000));
        assertEquals(Map.of("b", 1), this.store.keysByNode());
        assertEquals(1, this.store.size());
    }

    @Test
    void aKeyUsedAgainWithinTenMillisecondsIsNotRewrittenButLaterUseCounts() {
        this.store.claim("again-at-once", "a", 1000, IDLE);
        this.store.claim("again-later", "b", 1000, IDLE);
        assertEquals("a", this.store.owner("again-at-once", 1005));
        assertEquals("b", this.store.owner("again-later", 1010));
        this.store.evictIdleSince(1001);
        assertNull(this.store.owner("again-at-once", 1020), "its use 5 ms after the claim was not recorded: idle since the claim");
        assertEquals("b", this.store.owner("again-later", 1020), "its use 10 ms after the claim was");
    }
}
