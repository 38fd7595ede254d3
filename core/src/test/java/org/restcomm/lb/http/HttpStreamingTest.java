package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;

import java.io.InputStream;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bodies stream through the balancer in both directions; max-request-size is enforced. */
class HttpStreamingTest {

    private static final int UPLOAD_MB = 8;

    private BalancerTestBed bed;
    private TestNode node;

    @BeforeEach
    void node() throws Exception {
        this.bed = new BalancerTestBed();
        this.node = this.bed.node("only", "r1");
    }

    @AfterEach
    void close() {
        this.bed.close();
    }

    /**
     * The client sends 1 MiB of a chunked upload and waits until the node has received it before sending the rest:
     * a balancer that buffered the whole body would never let the node see the first MiB, and the upload would stall.
     */
    @Test
    void chunkedUploadReachesTheNodeWhileTheClientIsStillSending() throws Exception {
        this.bed.start(HttpBalancerSettings.builder().maxRequestSize(64L * TestNode.MB).build());
        QueuedBody client = new QueuedBody();
        QueuedBody body = client;
        HttpRequest upload = HttpRequest.newBuilder(this.bed.uri("/upload")).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body)).build();
        CompletableFuture<HttpResponse<String>> response = this.bed.client.sendAsync(upload, HttpResponse.BodyHandlers.ofString());

        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        write(client, sent, 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (this.node.uploadBytes.get() < TestNode.MB - 256 * 1024 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long seenBeforeRest = this.node.uploadBytes.get();
        for (int i = 1; i < UPLOAD_MB; i++) {
            write(client, sent, i);
        }
        client.close();

        HttpResponse<String> answer = response.get(60, TimeUnit.SECONDS);
        assertTrue(seenBeforeRest >= TestNode.MB / 2, "the node had part of the body before the client sent the rest: " + seenBeforeRest);
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("only " + (UPLOAD_MB * (long) TestNode.MB) + " " + HexFormat.of().formatHex(sent.digest()), answer.body());
        assertTrue(this.bed.statistics.http().bytesToServer() >= UPLOAD_MB * (long) TestNode.MB, "every body byte counted");
    }

    /** The node writes 1 MiB and waits until the client has read it: only a streaming balancer lets that happen. */
    @Test
    void chunkedResponseReachesTheClientWhileTheNodeIsStillWriting() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        CountDownLatch firstMegabyteRead = new CountDownLatch(1);
        this.node.streamGate = firstMegabyteRead;
        HttpResponse<InputStream> response = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/stream?mb=6")).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-length").isEmpty(), "a chunked response stays chunked");
        try (InputStream in = response.body()) {
            for (int i = 0; i < 6; i++) {
                assertArrayEquals(TestNode.pattern(i), in.readNBytes(TestNode.MB), "MiB " + i);
                firstMegabyteRead.countDown();
            }
            assertEquals(-1, in.read());
        }
        BalancerTestBed.eventually(6L * TestNode.MB, () -> this.bed.statistics.http().bytesToClient(), "every body byte counted on the way out");
    }

    @Test
    void withoutMaxRequestSizeAnUploadLargerThanUndertowsDefaultLimitPasses() throws Exception {
        this.bed.start(HttpBalancerSettings.defaults());
        byte[] body = new byte[UPLOAD_MB * TestNode.MB];
        new java.util.Random(7).nextBytes(body);
        HttpResponse<String> answer = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), answer.body());
        assertEquals("only " + body.length + " " + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)), answer.body());
    }

    @Test
    void bodyOverMaxRequestSizeIsRefusedWith413AndNeverReachesTheNode() throws Exception {
        this.bed.start(HttpBalancerSettings.builder().maxRequestSize(4096).build());
        HttpResponse<String> small = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/upload"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, small.statusCode());
        assertTrue(small.body().startsWith("only 4096 "), small.body());

        for (int size : new int[] { 4097, 3 * TestNode.MB }) {
            HttpResponse<String> large = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/upload"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[size])).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, large.statusCode(), "for " + size + " bytes");
            assertTrue(large.body().contains("max-request-size"), large.body());
        }
        assertEquals(1, this.node.requests.get(), "the node saw only the small request");
    }

    @Test
    void chunkedBodyGrowingPastMaxRequestSizeIsAnswered413AndTheNodeGetsNoMoreThanTheLimit() throws Exception {
        this.bed.start(HttpBalancerSettings.builder().maxRequestSize(256 * 1024).build());
        HttpRequest upload = HttpRequest.newBuilder(this.bed.uri("/upload")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[2 * TestNode.MB]))).build();
        HttpResponse<String> response = this.bed.client.send(upload, HttpResponse.BodyHandlers.ofString());
        assertEquals(413, response.statusCode(), response.body());
        assertTrue(this.node.uploadBytes.get() <= 256 * 1024 + 64 * 1024, "the node got no more than the limit: " + this.node.uploadBytes.get());
        assertEquals(200, this.bed.get("/").statusCode(), "the balancer still serves");
    }

    @Test
    void answerDeclaringMoreThanMaxResponseSizeIsReplacedBy502() throws Exception {
        this.bed.start(HttpBalancerSettings.builder().maxResponseSize(64 * 1024).build());
        HttpResponse<byte[]> within = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/sized?kb=64")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, within.statusCode());
        assertEquals(64 * 1024, within.body().length);

        HttpResponse<String> over = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/sized?kb=65")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(502, over.statusCode());
        assertEquals(NodeExchange.TOO_LARGE_BODY, over.body());
        assertEquals(2, this.node.requests.get(), "the node was asked both times");

        HttpResponse<Void> head = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/sized?kb=1024")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode(), "a HEAD answer carries no body to measure");
        assertEquals(200, this.bed.get("/").statusCode(), "the balancer still serves");
        BalancerTestBed.eventually(1L, () -> this.bed.statistics.http().responsesByStatusCode().get("5XX"), "the 502 counted");
    }

    @Test
    void streamedAnswerGrowingPastMaxResponseSizeIsCutOff() throws Exception {
        this.streamedAnswerIsCutAt(3L * TestNode.MB / 2);
    }

    @Test
    void aLimitBelowTheFirstRelayedBufferStillLetsTheStatusLineThrough() throws Exception {
        this.streamedAnswerIsCutAt(1000);
    }

    /** The client gets the status line and at most the limit's bytes, then the cut: even below the first relayed buffer. */
    private void streamedAnswerIsCutAt(long limit) throws Exception {
        this.bed.start(HttpBalancerSettings.builder().maxResponseSize(limit).build());
        HttpResponse<InputStream> response = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/stream?mb=4")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode(), "the status line went out before the size was known");
        long received = 0;
        try (InputStream in = response.body()) {
            byte[] buffer = new byte[64 * 1024];
            for (int read; (read = in.read(buffer)) > 0;) {
                received += read;
            }
            fail("a cut chunked answer must not end like a whole one; got " + received + " bytes");
        } catch (IOException expected) {
            assertTrue(received <= limit, "no more than the limit reached the client: " + received);
        }
        assertEquals(200, this.bed.get("/").statusCode(), "the balancer still serves");
    }

    @Test
    void aNodeSlowerThanMaxRequestTimeGets504AndTheBalancerServesOn() throws Exception {
        this.bed.start(HttpBalancerSettings.builder().maxRequestTime(300).build());
        long start = System.nanoTime();
        HttpResponse<String> slow = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/slow?ms=4000")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, slow.statusCode());
        assertTrue(elapsedMillis < 3000, "answered at max-request-time, not when the node was done: " + elapsedMillis + " ms");
        HttpResponse<String> quick = this.bed.client.send(HttpRequest.newBuilder(this.bed.uri("/slow?ms=10")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, quick.statusCode());
        assertEquals("slow node=only", quick.body());
    }

    private static void write(QueuedBody out, MessageDigest digest, int megabyte) {
        byte[] block = TestNode.pattern(megabyte);
        digest.update(block);
        out.add(block);
    }

    /** A request body the test feeds block by block while the client sends it (chunked: no known length). */
    private static final class QueuedBody extends InputStream {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> blocks = new LinkedBlockingQueue<>();
        private byte[] current = new byte[0];
        private int position;

        void add(byte[] block) {
            this.blocks.add(block);
        }

        @Override
        public void close() {
            this.blocks.add(END);
        }

        @Override
        public int read() throws java.io.IOException {
            byte[] one = new byte[1];
            return (this.read(one, 0, 1) < 0) ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws java.io.IOException {
            while (this.current != END && this.position == this.current.length) {
                try {
                    this.current = this.blocks.take();
                } catch (InterruptedException e) {
                    throw new java.io.InterruptedIOException();
                }
                this.position = 0;
            }
            if (this.current == END) {
                this.blocks.add(END);
                return -1;
            }
            int count = Math.min(length, this.current.length - this.position);
            System.arraycopy(this.current, this.position, buffer, offset, count);
            this.position += count;
            return count;
        }
    }
}
