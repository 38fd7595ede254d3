package org.restcomm.lb.http;

import java.io.IOException;
import java.io.InputStream;

/** Reading answers off a raw socket, for requests no HTTP client would send. */
public final class RawHttp {

    private RawHttp() {
    }

    /** The first line of the answer, without its line end; empty when the connection closed first. */
    public static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c; (c = in.read()) >= 0 && c != '\n';) {
            line.append((char) c);
        }
        return line.toString().trim();
    }
}
