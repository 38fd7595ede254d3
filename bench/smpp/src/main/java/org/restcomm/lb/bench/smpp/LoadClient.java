package org.restcomm.lb.bench.smpp;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import com.cloudhopper.smpp.PduAsyncResponse;
import com.cloudhopper.smpp.SmppBindType;
import com.cloudhopper.smpp.SmppConstants;
import com.cloudhopper.smpp.SmppSession;
import com.cloudhopper.smpp.SmppSessionConfiguration;
import com.cloudhopper.smpp.impl.DefaultSmppClient;
import com.cloudhopper.smpp.impl.DefaultSmppSessionHandler;
import com.cloudhopper.smpp.pdu.DeliverSm;
import com.cloudhopper.smpp.pdu.PduRequest;
import com.cloudhopper.smpp.pdu.PduResponse;
import com.cloudhopper.smpp.pdu.SubmitSm;
import com.cloudhopper.smpp.type.Address;

/**
 * The benchmark's ESME, a plain Cloudhopper client: BINDS transceiver binds, each keeping WINDOW submit_sm in flight,
 * for SECONDS per series. After a warm-up of both series it measures "submit" (submit_sm / submit_sm_resp) and then
 * "receipts" (the same with registered_delivery, finished when every accepted message's receipt has arrived), and
 * prints one line per series:
 *
 *   RESULT series path msgs seconds msg/s p50-ms p99-ms errors receipts cpu-us/msg-of-each-pid...
 *
 * Response time runs from handing a submit_sm to Cloudhopper to its submit_sm_resp. CPU is utime+stime of each
 * given process from /proc over the measured series, per accepted message.
 *
 *   java -cp ... org.restcomm.lb.bench.smpp.LoadClient HOST PORT PATH BINDS WINDOW WARMUP-SECONDS SECONDS CLK_TCK [name=pid...]
 */
public final class LoadClient {

    private static final long TIMEOUT_MILLIS = 30_000;
    private static final byte[] TEXT = "SMPP benchmark message 0123456789".getBytes(StandardCharsets.ISO_8859_1);

    private final List<SmppSession> sessions = new ArrayList<>();
    private final List<Semaphore> windows = new ArrayList<>();
    private final int window;
    private volatile Series current = new Series();

    private LoadClient(int window) {
        this.window = window;
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String path = args[2];
        int binds = Integer.parseInt(args[3]);
        int window = Integer.parseInt(args[4]);
        long warmupSeconds = Long.parseLong(args[5]);
        long seconds = Long.parseLong(args[6]);
        long clockTicks = Long.parseLong(args[7]);
        Map<String, Long> pids = new LinkedHashMap<>();
        pids.put("client", ProcessHandle.current().pid());
        for (int i = 8; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            pids.put(pair[0], Long.parseLong(pair[1]));
        }
        DefaultSmppClient client = new DefaultSmppClient(Executors.newCachedThreadPool(), binds);
        LoadClient load = new LoadClient(window);
        try {
            load.bind(client, host, port, binds);
            load.run(false, warmupSeconds);
            load.run(true, warmupSeconds);
            for (boolean receipts : new boolean[] {false, true}) {
                long[] before = cpuTicks(pids);
                Series series = load.run(receipts, seconds);
                long[] after = cpuTicks(pids);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "RESULT %s %s %d %.2f %.0f %.2f %.2f %d %d",
                        receipts ? "receipts" : "submit", path, series.accepted.sum(), series.seconds, series.accepted.sum() / series.seconds,
                        series.percentileMillis(50), series.percentileMillis(99), series.errors.sum(), series.receipts.sum()));
                for (int i = 0; i < before.length; i++) {
                    double micros = (after[i] - before[i]) * 1_000_000.0 / clockTicks / Math.max(1, series.accepted.sum());
                    line.append(String.format(Locale.ROOT, " %.1f", micros));
                }
                System.out.println(line);
            }
        } finally {
            for (SmppSession session : load.sessions) {
                session.unbind(1000);
                session.destroy();
            }
            client.destroy();
        }
        System.exit(0);
    }

    private void bind(DefaultSmppClient client, String host, int port, int binds) throws Exception {
        for (int i = 1; i <= binds; i++) {
            SmppSessionConfiguration configuration = new SmppSessionConfiguration();
            configuration.setName("bench-" + i);
            configuration.setType(SmppBindType.TRANSCEIVER);
            configuration.setHost(host);
            configuration.setPort(port);
            configuration.setSystemId("bench-" + i);
            configuration.setPassword("bench");
            configuration.setWindowSize(this.window);
            configuration.setWindowWaitTimeout(TIMEOUT_MILLIS);
            configuration.setRequestExpiryTimeout(TIMEOUT_MILLIS);
            configuration.setConnectTimeout(10_000);
            configuration.setBindTimeout(10_000);
            configuration.setCountersEnabled(false);
            configuration.setLoggingOptions(SmscSink.quiet());
            Semaphore permits = new Semaphore(this.window);
            this.windows.add(permits);
            SmppSession session = client.bind(configuration, new Handler(permits));
            SmscSink.noDelay(session);
            this.sessions.add(session);
        }
    }

    /** One series: every bind submits for the given time, then the window drains and, with receipts, every receipt arrives. */
    private Series run(boolean receipts, long seconds) throws Exception {
        Series series = new Series();
        this.current = series;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < this.sessions.size(); i++) {
            SmppSession session = this.sessions.get(i);
            Semaphore permits = this.windows.get(i);
            Thread sender = new Thread(() -> submitUntil(session, permits, receipts, end, series), "sender-" + i);
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join();
        }
        for (Semaphore permits : this.windows) {
            if (!permits.tryAcquire(this.window, TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("responses missing after " + TIMEOUT_MILLIS + " ms");
            }
            permits.release(this.window);
        }
        long receiptsDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (receipts && series.receipts.sum() < series.accepted.sum() && System.nanoTime() < receiptsDeadline) {
            Thread.sleep(1);
        }
        series.seconds = (System.nanoTime() - start) / 1e9;
        return series;
    }

    private static void submitUntil(SmppSession session, Semaphore permits, boolean receipts, long end, Series series) {
        try {
            while (System.nanoTime() < end) {
                permits.acquire();
                SubmitSm submit = new SubmitSm();
                submit.setSourceAddress(new Address((byte) 0x01, (byte) 0x01, "4420000001"));
                submit.setDestAddress(new Address((byte) 0x01, (byte) 0x01, "4479000002"));
                submit.setShortMessage(TEXT);
                if (receipts) {
                    submit.setRegisteredDelivery(SmppConstants.REGISTERED_DELIVERY_SMSC_RECEIPT_REQUESTED);
                }
                submit.setReferenceObject(System.nanoTime());
                try {
                    session.sendRequestPdu(submit, TIMEOUT_MILLIS, false);
                } catch (Exception e) {
                    permits.release();
                    series.errors.increment();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Handler extends DefaultSmppSessionHandler {
        private final Semaphore permits;

        Handler(Semaphore permits) {
            this.permits = permits;
        }

        @Override
        public void fireExpectedPduResponseReceived(PduAsyncResponse answer) {
            Series series = LoadClient.this.current;
            Object sent = answer.getRequest().getReferenceObject();
            if (sent instanceof Long nanos) {
                series.record(System.nanoTime() - nanos);
            }
            if (answer.getResponse().getCommandStatus() == SmppConstants.STATUS_OK) {
                series.accepted.increment();
            } else {
                series.errors.increment();
            }
            this.permits.release();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public void firePduRequestExpired(PduRequest request) {
            LoadClient.this.current.errors.increment();
            this.permits.release();
        }

        @Override
        @SuppressWarnings("rawtypes")
        public PduResponse firePduRequestReceived(PduRequest request) {
            if (request instanceof DeliverSm) {
                LoadClient.this.current.receipts.increment();
            }
            return request.createResponse();
        }
    }

    /** Counters and a 10 µs response-time histogram (up to 2 s) of one series. */
    private static final class Series {
        private static final long BUCKET_NANOS = 10_000;
        private final AtomicLongArray histogram = new AtomicLongArray(200_001);
        final LongAdder accepted = new LongAdder();
        final LongAdder errors = new LongAdder();
        final LongAdder receipts = new LongAdder();
        double seconds;

        void record(long nanos) {
            this.histogram.incrementAndGet((int) Math.min(this.histogram.length() - 1, nanos / BUCKET_NANOS));
        }

        double percentileMillis(double percentile) {
            long total = 0;
            for (int i = 0; i < this.histogram.length(); i++) {
                total += this.histogram.get(i);
            }
            long rank = (long) Math.ceil(total * percentile / 100);
            long seen = 0;
            for (int i = 0; i < this.histogram.length(); i++) {
                seen += this.histogram.get(i);
                if (seen >= rank && seen > 0) {
                    return (i + 1) * BUCKET_NANOS / 1e6;
                }
            }
            return Double.NaN;
        }
    }

    private static long[] cpuTicks(Map<String, Long> pids) throws Exception {
        long[] ticks = new long[pids.size()];
        int i = 0;
        for (long pid : pids.values()) {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // fields after the command name in parentheses: state is the first, utime the 12th, stime the 13th
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks[i++] = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
        return ticks;
    }
}
