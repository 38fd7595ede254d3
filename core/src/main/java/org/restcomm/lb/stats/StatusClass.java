package org.restcomm.lb.stats;

/** "1XX" ... "6XX", the keys responses are counted under; made once, not per response. */
final class StatusClass {

    private static final String[] KEYS = { "0XX", "1XX", "2XX", "3XX", "4XX", "5XX", "6XX", "7XX", "8XX", "9XX" };

    private StatusClass() {
    }

    static String of(int statusCode) {
        int hundreds = statusCode / 100;
        return (hundreds >= 0 && hundreds < KEYS.length) ? KEYS[hundreds] : hundreds + "XX";
    }
}
