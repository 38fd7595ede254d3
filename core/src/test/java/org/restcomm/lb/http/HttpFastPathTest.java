package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP fast path against Undertow's proxy, side by side: two balancers, one with the fast path and one without
 * ({@link HttpBalancer#FAST_PATH_PROPERTY}), each in front of its own node. A plain request must reach the node as
 * Undertow's proxy would send it; every request whose framing could be read two ways (request smuggling, desync)
 * must be left to Undertow and answered exactly as Undertow alone answers it.
 */
class HttpFastPathTest {

    private BalancerTestBed fast;
    private BalancerTestBed undertow;
    private TestNode fastNode;
    private TestNode undertowNode;

    @BeforeEach
    void beds() throws Exception {
        this.fast = new BalancerTestBed();
        this.fastNode = this.fast.node("n", "n");
        this.fast.start(HttpBalancerSettings.defaults());
        this.undertow = new BalancerTestBed();
        this.undertowNode = this.undertow.node("n", "n");
        System.setProperty(HttpBalancer.FAST_PATH_PROPERTY, "false");
        try {
            this.undertow.start(HttpBalancerSettings.defaults());
        } finally {
            System.clearProperty(HttpBalancer.FAST_PATH_PROPERTY);
        }
    }

    /** What XNIO and Undertow log as errors: a listener of the fast path's that throws shows only there. */
    private final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.logging.Handler errorLog = new java.util.logging.Handler() {
        @Override
        public void publish(java.util.logging.LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                HttpFastPathTest.this.errors.add(record.getLoggerName() + ": " + record.getMessage() + " " + record.getThrown());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void watchErrors() {
        java.util.logging.Logger.getLogger("").addHandler(this.errorLog);
    }

    @AfterEach
    void close() {
        this.fast.close();
        this.undertow.close();
        java.util.logging.Logger.getLogger("").removeHandler(this.errorLog);
        assertEquals(List.of(), this.errors, "no listener failed, on the fast path or after it handed a connection to Undertow");
    }

    @Test
    void aPlainRequestTakesTheFastPathAndReachesTheNodeAsUndertowsProxySendsIt() throws Exception {
        String request = "GET /app/page?x=1&jsessionid=abc.n HTTP/1.1\r\nHost: lb.example:8080\r\nUser-Agent: t\r\nAccept: */*\r\n"
                + "X-Forwarded-For: 203.0.113.9\r\nForwarded: for=203.0.113.9\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Server: trusted\r\n"
                + "Cookie: a=1; JSESSIONID=abc.n\r\nConnection: keep-alive\r\n\r\n";
        Answer viaFast = exchange(this.fast, request);
        Answer viaUndertow = exchange(this.undertow, request);
        assertEquals(1, this.fast.balancer.fastPathRequests(), "the fast path took it");
        assertEquals(0, this.undertow.balancer.fastPathRequests());
        assertEquals("HTTP/1.1 200 OK", viaFast.statusLine());
        assertEquals(viaUndertow.statusLine(), viaFast.statusLine());
        assertTrue(viaFast.text.endsWith("node=n"), viaFast.text);
        assertEquals(this.undertowNode.lastUri, this.fastNode.lastUri);
        for (String header : List.of("Host", "User-Agent", "Accept", "X-Forwarded-For", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host",
                "X-Forwarded-Port", "X-Forwarded-Server", "Cookie", "Connection")) {
            assertEquals(this.undertowNode.lastHeader(header), this.fastNode.lastHeader(header), header);
        }
        assertEquals("203.0.113.9,127.0.0.1", this.fastNode.lastHeader("X-Forwarded-For"));
        assertEquals("for=203.0.113.9, for=127.0.0.1;proto=http;host=\"lb.example:8080\"", this.fastNode.lastHeader("Forwarded"));
        assertEquals("http", this.fastNode.lastHeader("X-Forwarded-Proto"));
        assertEquals("8080", this.fastNode.lastHeader("X-Forwarded-Port"));
        assertEquals("lb.example", this.fastNode.lastHeader("X-Forwarded-Server"));
    }

    @Test
    void pipelinedRequestsAndABodyAreAnsweredInOrderOnOneConnection() throws Exception {
        byte[] body = new byte[3000];
        java.util.Arrays.fill(body, (byte) 'b');
        String requests = "GET /one HTTP/1.1\r\nHost: lb\r\n\r\n"
                + "POST /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: 3000\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1)
                + "GET /three HTTP/1.1\r\nHost: lb\r\n\r\n";
        try (Socket socket = new Socket("127.0.0.1", this.fast.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            assertTrue(readAnswer(in).text.endsWith("node=n"));
            String upload = readAnswer(in).text;
            assertTrue(upload.endsWith("n 3000 " + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body))), upload);
            assertTrue(readAnswer(in).text.endsWith("node=n"));
        }
        assertEquals(3, this.fast.balancer.fastPathRequests());
        BalancerTestBed.eventually(3000, () -> this.fast.statistics.http().bytesToServer(), "the body counted once");
    }

    @Test
    void aBodyLargerThanABufferStreamsToTheNodeAndTheRequestAfterItIsServedToo() throws Exception {
        byte[] body = TestNode.pattern(3);
        try (Socket socket = new Socket("127.0.0.1", this.fast.port())) {
            socket.setSoTimeout(10_000);
            var out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // a first request leaves a kept-alive node connection, which the upload then gets at once
            out.write("GET /before HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertTrue(readAnswer(in).text.endsWith("node=n"));
            out.write(("PUT /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            // in pieces with pauses, as a client on a slow link sends it: the balancer finds the client's socket empty
            for (int from = 0; from < body.length; from += 100_000) {
                out.write(body, from, Math.min(100_000, body.length - from));
                out.flush();
                Thread.sleep(20);
            }
            out.write("GET /after HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String upload = readAnswer(in).text;
            String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
            assertTrue(upload.endsWith("n " + body.length + " " + digest), upload);
            String after = readAnswer(in).text;
            assertTrue(after.endsWith("node=n"), after);
        }
        assertEquals(3, this.fast.balancer.fastPathRequests(), "all relayed by the fast path");
        BalancerTestBed.eventually(body.length, () -> this.fast.statistics.http().bytesToServer(), "the streamed body counted");
    }

    @Test
    void anHttp10NodesAnswersReachTheClientAsHttp11OnOneKeptConnection() throws Exception {
        try (java.net.ServerSocket oldNode = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                BalancerTestBed bed = new BalancerTestBed()) {
            // an HTTP/1.0 server: one answer per connection, then it closes
            serveAsNode(bed, "old", oldNode, () -> {
                try {
                    for (int i = 0; i < 2; i++) {
                        try (Socket accepted = oldNode.accept()) {
                            InputStream in = accepted.getInputStream();
                            readHead(in);
                            accepted.getOutputStream().write("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                        }
                    }
                } catch (IOException e) {
                    // the test's end
                }
            });
            bed.start(HttpBalancerSettings.defaults());
            try (Socket socket = new Socket("127.0.0.1", bed.port())) {
                socket.setSoTimeout(5000);
                InputStream in = socket.getInputStream();
                for (int i = 0; i < 2; i++) {
                    socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    Answer answer = readAnswer(in);
                    assertEquals("HTTP/1.1 200 OK", answer.statusLine(), "an intermediary sends its own version");
                    assertTrue(answer.text.endsWith("ok"), answer.text);
                }
            }
            assertEquals(2, bed.balancer.fastPathRequests());
        }
    }

    @Test
    void clientsWithAHalfSentHeadHoldNoDirectBufferAndAreServedOnceTheirHeadIsWhole() throws Exception {
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)
                .stream().filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        List<Socket> slow = new ArrayList<>();
        try {
            long before = direct.getMemoryUsed();
            for (int i = 0; i < 200; i++) {
                Socket socket = new Socket("127.0.0.1", this.fast.port());
                socket.setSoTimeout(5000);
                slow.add(socket);
                socket.getOutputStream().write("GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.ISO_8859_1));
            }
            // the I/O threads read what came; 200 connections holding a 64 KiB buffer each would be 12.5 MiB
            Thread.sleep(500);
            long held = direct.getMemoryUsed() - before;
            assertTrue(held < 4 * 1024 * 1024, "direct memory held for 200 half-sent heads: " + held + " bytes");
            for (Socket socket : slow) {
                socket.getOutputStream().write("st: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                Answer answer = readAnswer(socket.getInputStream());
                assertEquals("HTTP/1.1 200 OK", answer.statusLine());
                assertTrue(answer.text.endsWith("node=n"), answer.text);
            }
            assertEquals(200, this.fast.balancer.fastPathRequests(), "each head, parked and taken up again, served by the fast path");
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    // a balancer that stops reading leaves the client blocked in its write, where no read timeout helps
    @org.junit.jupiter.api.Timeout(60)
    void aNodeThatFailsMidUploadGetsTheClientA503ItCanReadWhileItSendsTheRestOfItsBody() throws Exception {
        try (BalancerTestBed bed = new BalancerTestBed()) {
            // all of the body, though the node is long gone: the balancer reads and drops what its 503 made useless
            Answer answer = uploadToANodeThatResetsAfter16KiB(bed, "");
            assertEquals("HTTP/1.1 503 Service Unavailable", answer.statusLine());
            assertEquals(1, bed.statistics.http().requests());
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aNodeThatRefusesAnUploadEarlyAndResetsGetsItsAnswerToTheClient() throws Exception {
        try (BalancerTestBed bed = new BalancerTestBed()) {
            // as a server with a body limit: answers 413 before the body ends
            Answer answer = uploadToANodeThatResetsAfter16KiB(bed, "HTTP/1.1 413 Payload Too Large\r\nContent-Length: 7\r\nConnection: close\r\n\r\ntoo big");
            assertEquals("HTTP/1.1 413 Payload Too Large", answer.statusLine(), "the node's own answer, not the balancer's 503");
            assertTrue(answer.text.endsWith("too big"), answer.text);
            assertEquals(1, bed.statistics.http().requests());
            BalancerTestBed.eventually(1L, () -> bed.statistics.http().responsesByStatusCode().get("4XX"), "the 413 counted");
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aNodeThatAnswersBeforeReadingTheBodyAsNginxDoesKeepsBothConnections() throws Exception {
        try (java.net.ServerSocket eager = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                BalancerTestBed bed = new BalancerTestBed()) {
            java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
            serveAsNode(bed, "eager", eager, () -> {
                try {
                    while (true) {
                        Socket connection = eager.accept();
                        accepted.incrementAndGet();
                        InputStream in = connection.getInputStream();
                        for (int request = 1; ; request++) {
                            String head = readHead(in);
                            // the answer first, then the body is read and dropped
                            connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n" + request % 10 + "!").getBytes(StandardCharsets.ISO_8859_1));
                            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
                            if (length.find()) {
                                in.readNBytes(Integer.parseInt(length.group(1)));
                            }
                        }
                    }
                } catch (IOException e) {
                    // the test's end
                }
            });
            bed.start(HttpBalancerSettings.defaults());
            int length = 1024 * 1024;
            try (Socket socket = new Socket("127.0.0.1", bed.port())) {
                socket.setSoTimeout(10_000);
                java.io.OutputStream out = socket.getOutputStream();
                out.write(("POST /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(new byte[128 * 1024]);
                // the answer reaches the client while most of its body is still to come
                Answer first = readAnswer(socket.getInputStream());
                assertEquals("HTTP/1.1 200 OK", first.statusLine());
                assertTrue(first.text.endsWith("1!"), first.text);
                out.write(new byte[length - 128 * 1024]);
                out.write("GET /next HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                Answer next = readAnswer(socket.getInputStream());
                assertEquals("HTTP/1.1 200 OK", next.statusLine(), "the client's connection is still there");
                assertTrue(next.text.endsWith("2!"), "the node's connection too, its second request: " + next.text);
            }
            assertEquals(1, accepted.get(), "one node connection for both requests");
            assertEquals(length, bed.statistics.http().bytesToServer(), "the whole body counted, though answered before it was sent");
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void anUploadToANodeThatReadsSlowlyArrivesWhole() throws Exception {
        try (java.net.ServerSocket slow = new java.net.ServerSocket();
                BalancerTestBed bed = new BalancerTestBed()) {
            // a small receive queue and pauses between reads: the balancer's writes to the node stop and resume many
            // times in the middle of the body
            slow.setReceiveBufferSize(8 * 1024);
            slow.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
            serveAsNode(bed, "slow", slow, () -> {
                try (Socket accepted = slow.accept()) {
                    InputStream in = accepted.getInputStream();
                    String head = readHead(in);
                    java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
                    length.find();
                    java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
                    byte[] piece = new byte[64 * 1024];
                    for (long left = Long.parseLong(length.group(1)); left > 0; ) {
                        int read = in.read(piece, 0, (int) Math.min(piece.length, left));
                        if (read < 0) {
                            break;
                        }
                        digest.update(piece, 0, read);
                        left -= read;
                        Thread.sleep(1);
                    }
                    String hash = java.util.HexFormat.of().formatHex(digest.digest());
                    accepted.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: " + hash.length() + "\r\n\r\n" + hash).getBytes(StandardCharsets.ISO_8859_1));
                    in.read();
                } catch (Exception e) {
                    // the test's end
                }
            });
            bed.start(HttpBalancerSettings.defaults());
            byte[] body = new byte[8 * 1024 * 1024];
            new java.util.Random(11).nextBytes(body);
            try (Socket socket = new Socket("127.0.0.1", bed.port())) {
                socket.setSoTimeout(30_000);
                java.io.OutputStream out = socket.getOutputStream();
                out.write(("POST /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body);
                Answer answer = readAnswer(socket.getInputStream());
                assertEquals("HTTP/1.1 200 OK", answer.statusLine());
                String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(body));
                assertTrue(answer.text.endsWith(expected), "the node got the body byte for byte: " + answer.text);
            }
            assertEquals(1, bed.balancer.fastPathRequests());
        }
    }

    /**
     * A 4 MiB POST, all of it sent, to a node that reads the head and 16 KiB, writes {@code nodeAnswer} and resets the
     * connection; returns what the client then reads, having checked that the balancer closes the connection after it.
     */
    private static Answer uploadToANodeThatResetsAfter16KiB(BalancerTestBed bed, String nodeAnswer) throws Exception {
        try (java.net.ServerSocket node = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            serveAsNode(bed, "resetting", node, () -> {
                try (Socket accepted = node.accept()) {
                    accepted.getInputStream().readNBytes(16 * 1024);
                    accepted.getOutputStream().write(nodeAnswer.getBytes(StandardCharsets.ISO_8859_1));
                    accepted.setSoLinger(true, 0);
                } catch (IOException e) {
                    // the test's end
                }
            });
            bed.start(HttpBalancerSettings.defaults());
            int length = 4 * 1024 * 1024;
            try (Socket socket = new Socket("127.0.0.1", bed.port())) {
                socket.setSoTimeout(10_000);
                java.io.OutputStream out = socket.getOutputStream();
                out.write(("POST /upload HTTP/1.1\r\nHost: lb\r\nContent-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                byte[] chunk = new byte[64 * 1024];
                for (int sent = 0; sent < length; sent += chunk.length) {
                    out.write(chunk);
                }
                Answer answer = readAnswer(socket.getInputStream());
                assertEquals(-1, socket.getInputStream().read(), "the balancer closes the connection after the answer");
                return answer;
            }
        }
    }

    @Test
    void aRequestTheNodeDropsTwiceGoesToUndertowAndIsCountedOnce() throws Exception {
        try (java.net.ServerSocket flaky = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                BalancerTestBed bed = new BalancerTestBed()) {
            // answers the first request, then reads every later one and closes without a word
            serveAsNode(bed, "flaky", flaky, () -> {
                boolean answered = false;
                List<Socket> open = new ArrayList<>();
                try {
                    while (true) {
                        Socket accepted = flaky.accept();
                        open.add(accepted);
                        InputStream in = accepted.getInputStream();
                        readHead(in);
                        if (!answered) {
                            answered = true;
                            accepted.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
                            // the pooled connection: its next request is read, then it closes
                            Thread later = new Thread(() -> {
                                try {
                                    // the next request's first byte, and what came with it
                                    in.read();
                                    in.skip(in.available());
                                    accepted.close();
                                } catch (IOException e) {
                                    // closed
                                }
                            });
                            later.setDaemon(true);
                            later.start();
                        } else {
                            accepted.close();
                        }
                    }
                } catch (IOException e) {
                    // the test's end
                }
            });
            bed.start(HttpBalancerSettings.defaults());
            try (Socket socket = new Socket("127.0.0.1", bed.port())) {
                socket.setSoTimeout(10_000);
                InputStream in = socket.getInputStream();
                socket.getOutputStream().write("GET /first HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertEquals("HTTP/1.1 200 OK", readAnswer(in).statusLine());
                // the pooled connection fails it, a fresh one fails it again: Undertow's proxy takes it and answers
                socket.getOutputStream().write("GET /second HTTP/1.1\r\nHost: lb\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String status = readAnswer(in).statusLine();
                assertTrue(status.startsWith("HTTP/1.1 5"), status);
            }
            assertEquals(1, bed.balancer.fastPathRequests(), "only the first request was the fast path's");
            assertEquals(2, bed.statistics.http().requests(), "each request counted once, the second by Undertow's path alone");
            assertEquals(2L, bed.statistics.http().requestsByMethod().get("GET"));
        }
        // Undertow logs the node's failure of its own attempts: expected here
        this.errors.removeIf(error -> error.contains("UT005028: Proxy request to /second failed"));
    }

    @Test
    void requestsWhoseFramingCouldBeReadTwoWaysAreLeftToUndertowAndAnsweredAsItAnswersThem() throws Exception {
        String x = "x".repeat(HttpFastPath.BUFFER_SIZE + 1000);
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("CL.TE", "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG");
        cases.put("TE.CL", "POST / HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n");
        cases.put("TE obfuscated", "POST / HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding: xchunked\r\nContent-Length: 4\r\n\r\nabcd");
        cases.put("TE with a space before the colon", "POST / HTTP/1.1\r\nHost: lb\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n");
        cases.put("two Content-Length, different", "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde");
        cases.put("two Content-Length, same", "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\nabcd");
        cases.put("Content-Length with a sign", "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: +4\r\n\r\nabcd");
        cases.put("Content-Length negative", "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: -1\r\n\r\n");
        cases.put("Content-Length with a space inside", "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 1 0\r\n\r\nabcdefghij");
        cases.put("Content-Length as a list", "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 4, 4\r\n\r\nabcd");
        cases.put("Content-Length in hex", "POST / HTTP/1.1\r\nHost: lb\r\nContent-Length: 0x4\r\n\r\nabcd");
        cases.put("obsolete line folding", "GET / HTTP/1.1\r\nHost: lb\r\nX-Folded: a\r\n b\r\n\r\n");
        cases.put("folded Content-Length", "POST / HTTP/1.1\r\nHost: lb\r\nX-A: 1\r\n Content-Length: 4\r\n\r\nabcd");
        cases.put("NUL in a value", "GET / HTTP/1.1\r\nHost: lb\r\nX-Nul: a\0b\r\n\r\n");
        cases.put("bare LF line ends", "GET / HTTP/1.1\nHost: lb\n\n");
        cases.put("bare CR inside a line", "GET / HTTP/1.1\r\nHost: lb\rX-Injected: 1\r\n\r\n");
        cases.put("space before the colon", "GET / HTTP/1.1\r\nHost : lb\r\n\r\n");
        cases.put("header line longer than the buffer", "GET / HTTP/1.1\r\nHost: lb\r\nX-Long: " + x + "\r\n\r\n");
        cases.put("two Host headers", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
        cases.put("no Host", "GET / HTTP/1.1\r\n\r\n");
        cases.put("Host with a path", "GET / HTTP/1.1\r\nHost: evil.example/x\r\n\r\n");
        cases.put("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n");
        cases.put("Host with two ports", "GET / HTTP/1.1\r\nHost: lb:1:2\r\n\r\n");
        cases.put("Host with user info", "GET / HTTP/1.1\r\nHost: user@lb\r\n\r\n");
        cases.put("absolute-form target", "GET http://lb/ HTTP/1.1\r\nHost: lb\r\n\r\n");
        cases.put("HTTP/1.0", "GET / HTTP/1.0\r\nHost: lb\r\n\r\n");
        cases.put("Expect 100-continue", "POST / HTTP/1.1\r\nHost: lb\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\nabcd");
        cases.put("Connection: close", "GET / HTTP/1.1\r\nHost: lb\r\nConnection: close\r\n\r\n");
        cases.put("h2c upgrade", "GET / HTTP/1.1\r\nHost: lb\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
        cases.put("percent-encoded path", "GET /a%2Fb HTTP/1.1\r\nHost: lb\r\n\r\n");
        cases.put("path parameter", "GET /a;jsessionid=x.n HTTP/1.1\r\nHost: lb\r\n\r\n");
        cases.put("obs-text in a value", "GET / HTTP/1.1\r\nHost: lb\r\nX-Latin: caf\u00e9\r\n\r\n");
        cases.put("tab in the request line", "GET\t/ HTTP/1.1\r\nHost: lb\r\n\r\n");
        cases.put("CONNECT", "CONNECT lb:443 HTTP/1.1\r\nHost: lb:443\r\n\r\n");
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, String> smuggling : cases.entrySet()) {
            Answer viaFast = exchange(this.fast, smuggling.getValue());
            Answer viaUndertow = exchange(this.undertow, smuggling.getValue());
            if (!viaFast.statusLine().equals(viaUndertow.statusLine())) {
                differences.add(smuggling.getKey() + ": fast path '" + viaFast.statusLine() + "', Undertow '" + viaUndertow.statusLine() + "'");
            }
        }
        assertEquals(List.of(), differences);
        assertEquals(0, this.fast.balancer.fastPathRequests(), "none of them was relayed by the fast path");
        assertEquals(this.undertowNode.requests.get(), this.fastNode.requests.get(), "the node got as many requests either way");
    }

    /** One request on a new connection; the answer read until framed, the connection's close, or 2 s of silence. */
    private static Answer exchange(BalancerTestBed bed, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", bed.port())) {
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readAnswer(socket.getInputStream());
        }
    }

    /** An answer's head and its Content-Length body (the test node always sends one), or what came before close or silence. */
    /** A raw node of the test's own: {@code serving} runs on a daemon thread, and the socket's port is registered as the node's HTTP port. */
    private static void serveAsNode(BalancerTestBed bed, String name, java.net.ServerSocket socket, Runnable serving) {
        Thread server = new Thread(serving);
        server.setDaemon(true);
        server.start();
        bed.registry.register(new org.restcomm.lb.node.NodeAdvertisement(name, "127.0.0.1",
                Map.of("httpPort", Integer.toString(socket.getLocalPort()), "sessionId", name + "-1")), org.restcomm.lb.node.NodeSource.HTTP);
    }

    /** A request head as a raw node reads it, up to its empty line. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed");
            }
            head.append((char) c);
        }
        return head.toString();
    }

    static Answer readAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            int headEnd = -1;
            long length = -1;
            for (int c; (c = in.read()) >= 0;) {
                bytes.write(c);
                String text = bytes.toString(StandardCharsets.ISO_8859_1);
                if (headEnd < 0 && text.endsWith("\r\n\r\n")) {
                    headEnd = text.length();
                    length = 0;
                    for (String line : text.split("\r\n")) {
                        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                            length = Long.parseLong(line.substring(15).trim());
                        }
                    }
                    if (text.startsWith("HTTP/1.1 1")) {
                        headEnd = -1;
                        continue;
                    }
                }
                if (headEnd >= 0 && text.length() - headEnd >= length) {
                    break;
                }
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // silence or reset: the answer is what came
        }
        return new Answer(bytes.toString(StandardCharsets.ISO_8859_1));
    }

    record Answer(String text) {
        String statusLine() {
            int end = this.text.indexOf("\r\n");
            return (end < 0) ? this.text : this.text.substring(0, end);
        }
    }
}
