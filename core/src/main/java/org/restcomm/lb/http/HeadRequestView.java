package org.restcomm.lb.http;

/**
 * A fast-path request as {@link NodeSelector} and the algorithms read it, from the bytes of its head. Strings are made
 * only for what is asked. The fast path takes no path with percent-encoding, path parameters or '+', so the raw
 * path and query read here are what Undertow would decode them to.
 */
final class HeadRequestView implements RoutedRequest {

    private static final byte[] ACCOUNTS = HttpRequestHead.ascii("Accounts/");
    private static final String[] COMMON_METHODS = { "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH" };

    private HttpRequestHead head;
    private String path;

    /** Points the view at the next request. */
    HeadRequestView of(HttpRequestHead head) {
        this.head = head;
        this.path = null;
        return this;
    }

    @Override
    public String method() {
        for (String method : COMMON_METHODS) {
            if (this.head.methodIs(method)) {
                return method;
            }
        }
        return this.head.string(this.head.start(), this.head.methodEnd());
    }

    @Override
    public String path() {
        if (this.path == null) {
            int query = this.head.queryStart();
            this.path = this.head.string(this.head.targetStart(), (query < 0) ? this.head.targetEnd() : query - 1);
        }
        return this.path;
    }

    @Override
    public String queryParameter(String name) {
        int from = this.head.queryStart();
        if (from < 0) {
            return null;
        }
        // as Undertow's parameter map is read: the exact name first, then in any case
        String value = this.find(from, this.head.targetEnd(), '&', name, false);
        return (value != null) ? value : this.find(from, this.head.targetEnd(), '&', name, true);
    }

    @Override
    public String cookie(String name) {
        int header = this.head.header(HttpRequestHead.COOKIE);
        return (header < 0) ? null : this.find(this.head.valueStart(header), this.head.valueEnd(header), ';', name, true);
    }

    @Override
    public String header(String name) {
        int header = this.head.headerNamed(name);
        return (header < 0) ? null : this.head.value(header);
    }

    @Override
    public String restcommInstanceId() {
        // most paths name no account: no string made for them
        return this.pathContains(ACCOUNTS) ? RoutedRequest.instanceIdInPath(this.path()) : null;
    }

    private boolean pathContains(byte[] part) {
        java.nio.ByteBuffer in = this.head.buffer();
        int end = (this.head.queryStart() < 0) ? this.head.targetEnd() : this.head.queryStart() - 1;
        for (int i = this.head.targetStart(); i + part.length <= end; i++) {
            int j = 0;
            while (j < part.length && in.get(i + j) == part[j]) {
                j++;
            }
            if (j == part.length) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String jvmRoute() {
        String sessionId = this.queryParameter(SESSION_ID);
        return RoutedRequest.jvmRouteOf((sessionId != null) ? sessionId : this.cookie(SESSION_ID));
    }

    @Override
    public boolean isSipWebSocket() {
        // upgrades are never fast
        return false;
    }

    /** The value of {@code name=value} in a list split by {@code separator}, spaces around the pairs skipped. */
    private String find(int from, int to, char separator, String name, boolean ignoreCase) {
        java.nio.ByteBuffer in = this.head.buffer();
        int pairStart = from;
        for (int i = from; i <= to; i++) {
            if (i < to && in.get(i) != separator) {
                continue;
            }
            int s = pairStart;
            while (s < i && HttpRequestHead.isSpace(in.get(s))) {
                s++;
            }
            int equals = s;
            while (equals < i && in.get(equals) != '=') {
                equals++;
            }
            int nameEnd = equals;
            while (nameEnd > s && HttpRequestHead.isSpace(in.get(nameEnd - 1))) {
                nameEnd--;
            }
            if (nameEnd - s == name.length() && matches(in, s, name, ignoreCase)) {
                int valueEnd = i;
                while (valueEnd > equals + 1 && HttpRequestHead.isSpace(in.get(valueEnd - 1))) {
                    valueEnd--;
                }
                return (equals < i) ? this.head.string(equals + 1, valueEnd) : "";
            }
            pairStart = i + 1;
        }
        return null;
    }

    private static boolean matches(java.nio.ByteBuffer in, int from, String name, boolean ignoreCase) {
        for (int i = 0; i < name.length(); i++) {
            char c = (char) (in.get(from + i) & 0xff);
            char expected = name.charAt(i);
            if (c != expected && !(ignoreCase && Character.toLowerCase(c) == Character.toLowerCase(expected))) {
                return false;
            }
        }
        return true;
    }
}
