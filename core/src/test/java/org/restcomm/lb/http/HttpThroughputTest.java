package org.restcomm.lb.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

/** A figure, not a benchmark: small GETs through the balancer next to the same GETs straight to the node, and one large upload. */
class HttpThroughputTest {

    private static final int THREADS = 4;
    private static final int REQUESTS_PER_THREAD = 1000;
    private static final int UPLOAD_MB = 64;

    @Test
    void smallRequestsAndALargeUploadAllSucceed() throws Exception {
        try (BalancerTestBed bed = new BalancerTestBed()) {
            TestNode node = bed.node("n", "n");
            bed.start(HttpBalancerSettings.defaults());
            URI direct = URI.create("http://127.0.0.1:" + node.httpPort() + "/");
            URI balanced = bed.uri("/");
            run(bed, direct, 200);
            run(bed, balanced, 200);
            long directRate = run(bed, direct, REQUESTS_PER_THREAD);
            long balancedRate = run(bed, balanced, REQUESTS_PER_THREAD);
            System.out.printf("HTTP GET, %d client threads x %d keep-alive requests, loopback: direct to node %d req/s, through the balancer %d req/s%n",
                    THREADS, REQUESTS_PER_THREAD, directRate, balancedRate);

            byte[] body = new byte[UPLOAD_MB * TestNode.MB];
            long start = System.nanoTime();
            HttpResponse<String> upload = bed.client.send(HttpRequest.newBuilder(bed.uri("/upload")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
            assertEquals(200, upload.statusCode());
            System.out.printf("HTTP upload through the balancer: %d MiB in %d ms = %d MiB/s%n", UPLOAD_MB, millis, UPLOAD_MB * 1000L / millis);
        }
    }

    /** Requests per second over all threads; every answer must be 200. */
    private static long run(BalancerTestBed bed, URI uri, int perThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Callable<Integer>> work = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                work.add(() -> {
                    int ok = 0;
                    for (int i = 0; i < perThread; i++) {
                        ok += (bed.client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) ? 1 : 0;
                    }
                    return ok;
                });
            }
            long start = System.nanoTime();
            int ok = 0;
            for (Future<Integer> done : pool.invokeAll(work)) {
                ok += done.get();
            }
            long millis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
            assertEquals(THREADS * perThread, ok);
            return THREADS * (long) perThread * 1000 / millis;
        } finally {
            pool.shutdown();
        }
    }
}
