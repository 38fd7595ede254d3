package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Where the fast path finds the end of a node's answer, whatever pieces it arrives in. */
class HttpResponseFramingTest {

    @Test
    void aChunkedAnswerEndsAfterItsLastChunkAndTrailersWhateverPiecesItComesIn() {
        String answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n";
        for (int piece = 1; piece <= answer.length(); piece++) {
            Fed fed = feed(answer + "NEXT", piece, false);
            assertEquals(answer.length(), fed.end, "pieces of " + piece);
            assertEquals(15, fed.bodyBytes, "the chunks' data only, as Undertow counts it");
            assertTrue(fed.keepAlive);
        }
    }

    @Test
    void aContentLengthAnswerEndsAfterItsBytesAndAHeadAnswerHasNone() {
        String answer = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody";
        assertEquals(answer.length(), feed(answer, 3, false).end);
        assertEquals(answer.length() - 4, feed(answer, 3, true).end, "HEAD: the length is the size of a body not sent");
        String noContent = "HTTP/1.1 204 No Content\r\nContent-Length: 4\r\n\r\nbody";
        assertEquals(noContent.length() - 4, feed(noContent, 7, false).end, "204: no body whatever the head says");
    }

    @Test
    void interimAnswersComeBeforeTheFinalOne() {
        String answer = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        assertEquals(answer.length(), feed(answer, 5, false).end);
    }

    @Test
    void theNodeClosingOrAnHttp10AnswerEndsTheConnections() {
        Fed untilClose = feed("HTTP/1.1 200 OK\r\n\r\nstreamed", 4, false);
        assertEquals(-1, untilClose.end, "no length: it ends when the node closes");
        assertFalse(untilClose.keepAlive);
        assertFalse(feed("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 4, false).keepAlive);
        assertFalse(feed("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", 4, false).keepAlive);
        assertTrue(feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n", 4, false).keepAlive);
    }

    @Test
    void anAnswerMayCarryBytesBeyondAsciiInItsReasonAndHeaderValues() {
        // UTF-8 as nodes send it in file names and localised reason phrases; Undertow's client takes these too
        String answer = "HTTP/1.1 200 Tr\u00e8s bien\r\nContent-Disposition: attachment; filename=\"caf\u00e9.txt\"\r\nContent-Length: 2\r\n\r\nok";
        ByteBuffer in = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
        HttpResponseFraming framing = new HttpResponseFraming();
        assertEquals(HttpResponseFraming.HEAD, framing.parseHead(in, 0, in.limit(), false));
        assertEquals(in.limit(), framing.body(in, framing.headEnd(), in.limit()));
    }

    @Test
    void ambiguousOrMalformedAnswersAreBad() {
        for (String bad : new String[] { "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -4\r\n\r\n",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
                "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n", "HTTP/1.1 200 OK\r\nBad Name: 1\r\n\r\n",
                "HTTP/1.1 200 OK\r\nX-Nul: a\0b\r\n\r\n", "HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n" }) {
            HttpResponseFraming framing = new HttpResponseFraming();
            ByteBuffer in = ascii(bad);
            assertEquals(HttpResponseFraming.BAD, framing.parseHead(in, 0, in.limit(), false), bad);
        }
        HttpResponseFraming framing = new HttpResponseFraming();
        ByteBuffer in = ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertEquals(HttpResponseFraming.HEAD, framing.parseHead(in, 0, in.limit(), false));
        assertEquals(-2, framing.body(in, framing.headEnd(), in.limit()), "a chunk size that is not hex");
    }

    private record Fed(int end, long bodyBytes, boolean keepAlive) {
    }

    /** Feeds the answer as it would be read, {@code piece} bytes more each time; the end found, or -1. */
    private static Fed feed(String answer, int piece, boolean headRequest) {
        ByteBuffer in = ascii(answer);
        HttpResponseFraming framing = new HttpResponseFraming();
        int headStart = 0;
        int scan = -1;
        for (int available = Math.min(piece, answer.length());; available = Math.min(available + piece, answer.length())) {
            if (scan < 0) {
                int result = framing.parseHead(in, headStart, available, headRequest);
                assertTrue(result != HttpResponseFraming.BAD, answer);
                if (result == HttpResponseFraming.HEAD) {
                    if (framing.interim()) {
                        headStart = framing.headEnd();
                        continue;
                    }
                    scan = framing.headEnd();
                }
            }
            if (scan >= 0) {
                int end = framing.body(in, scan, available);
                if (end >= 0) {
                    return new Fed(end, framing.bodyBytes(), framing.keepAlive());
                }
                assertEquals(-1, end);
                scan = available;
            }
            if (available == answer.length()) {
                return new Fed(-1, framing.bodyBytes(), framing.keepAlive());
            }
        }
    }

    private static ByteBuffer ascii(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }
}
