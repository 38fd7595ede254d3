package org.restcomm.lb.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RendezvousHashTest {

    /** Balancers of different releases behind one IP load balancer must agree: these scores never change. */
    @ParameterizedTest
    @CsvSource({
            "call-1, 10.0.0.1:5080, 4360719406513208099",
            "call-1, '[::1]:5080', 3383592022015934746",
            "call-1, nödé:1, -6764776657906749761",
            "Ünïcode-é, 10.0.0.1:5080, -8360522420875101448",
            "Ünïcode-é, nödé:1, 7778480825736973903",
            "'', 10.0.0.1:5080, 639215274084440783",
            "appsession-42, '[::1]:5080', -3111366308801562883",
    })
    void scoresAreTheSameOnEveryBalancerAndRelease(String key, String node, long score) {
        assertEquals(score, RendezvousHash.score(key, node));
    }
}
