import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * sipp's built-in uac and uas scenarios over one persistent TLS connection each (sipp's {@code -t l1}), for
 * bench/sip/tls-cpu.sh: Debian's sipp is built without OpenSSL. Same messages as sipp's: INVITE (with SDP) → 100 /
 * 180 / 200 (with SDP) → ACK → BYE → 200, no pause.
 *
 * <pre>
 * java SipTlsLoad.java uas PORT KEYSTORE.p12 PASSWORD
 * java SipTlsLoad.java uac PEER_PORT LOCAL_PORT RATE CALLS TIMEOUT_SECONDS
 * </pre>
 *
 * The uac binds its connection to 127.0.0.1:LOCAL_PORT, the sent-by of its Via, so that a stateless peer finds the
 * connection by address, and prints one line: {@code ok=N failed=N p50=ms p99=ms protocol=... cipher=...}. The uas
 * accepts any number of connections and answers on the connection a request came in on.
 */
public class SipTlsLoad {

    private static final String HOST = "127.0.0.1";
    /** -Dtransport=tcp runs the same scenario over plain TCP, to tell the cost of TLS from that of the stream path. */
    private static final boolean TLS = !"tcp".equals(System.getProperty("transport", "tls"));
    private static final String VIA = TLS ? "TLS" : "TCP";
    private static final String PARAM = TLS ? "tls" : "tcp";
    private static final String SDP = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
            + "t=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

    public static void main(String[] args) throws Exception {
        if (args[0].equals("uas")) {
            uas(Integer.parseInt(args[1]), args[2], args[3].toCharArray());
        } else {
            System.exit(uac(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5])));
        }
    }

    /** One SIP message read off a stream: its start line, its header lines as received, its body. */
    record Message(String startLine, List<String> headers, byte[] body) {
        String header(String name, String compact) {
            for (String line : this.headers) {
                int colon = line.indexOf(':');
                String key = line.substring(0, colon).trim();
                if (key.equalsIgnoreCase(name) || key.equalsIgnoreCase(compact)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        List<String> lines(String name, String compact) {
            List<String> found = new ArrayList<>();
            for (String line : this.headers) {
                String key = line.substring(0, line.indexOf(':')).trim();
                if (key.equalsIgnoreCase(name) || (compact != null && key.equalsIgnoreCase(compact))) {
                    found.add(line);
                }
            }
            return found;
        }

        boolean isResponse() {
            return this.startLine.startsWith("SIP/2.0 ");
        }

        int status() {
            return Integer.parseInt(this.startLine.substring(8, 11));
        }

        String cseqMethod() {
            String cseq = this.header("CSeq", "CSeq");
            return cseq.substring(cseq.indexOf(' ') + 1).trim();
        }
    }

    /** Reads SIP messages off a stream through its own buffer; keep-alive CRLFs between messages are skipped. */
    static final class Reader {
        private final InputStream in;
        private byte[] buf = new byte[65536];
        private int pos;
        private int limit;

        Reader(InputStream in) {
            this.in = in;
        }

        /** The next message; null at the end of the stream. */
        Message read() throws IOException {
            while (true) {
                while (this.pos < this.limit && (this.buf[this.pos] == '\r' || this.buf[this.pos] == '\n')) {
                    this.pos++;
                }
                int end = this.headerEnd();
                if (end >= 0) {
                    Message head = parse(new String(this.buf, this.pos, end - this.pos, StandardCharsets.UTF_8));
                    String length = head.header("Content-Length", "l");
                    int bodyLength = length == null ? 0 : Integer.parseInt(length);
                    int bodyStart = end + 4;
                    if (this.limit - bodyStart >= bodyLength) {
                        byte[] body = Arrays.copyOfRange(this.buf, bodyStart, bodyStart + bodyLength);
                        this.pos = bodyStart + bodyLength;
                        return new Message(head.startLine(), head.headers(), body);
                    }
                }
                if (!this.fill()) {
                    if (this.pos == this.limit) {
                        return null;
                    }
                    throw new EOFException();
                }
            }
        }

        private int headerEnd() {
            for (int i = this.pos; i + 3 < this.limit; i++) {
                if (this.buf[i] == '\r' && this.buf[i + 1] == '\n' && this.buf[i + 2] == '\r' && this.buf[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private boolean fill() throws IOException {
            if (this.pos > 0) {
                System.arraycopy(this.buf, this.pos, this.buf, 0, this.limit - this.pos);
                this.limit -= this.pos;
                this.pos = 0;
            }
            if (this.limit == this.buf.length) {
                this.buf = Arrays.copyOf(this.buf, this.buf.length * 2);
            }
            int n = this.in.read(this.buf, this.limit, this.buf.length - this.limit);
            if (n < 0) {
                return false;
            }
            this.limit += n;
            return true;
        }

        private static Message parse(String head) {
            String[] lines = head.split("\r\n");
            List<String> headers = new ArrayList<>(lines.length);
            for (int i = 1; i < lines.length; i++) {
                String line = lines[i];
                if ((line.startsWith(" ") || line.startsWith("\t")) && !headers.isEmpty()) {
                    headers.set(headers.size() - 1, headers.get(headers.size() - 1) + " " + line.trim());
                } else {
                    headers.add(line);
                }
            }
            return new Message(lines[0], headers, null);
        }
    }

    static void write(OutputStream out, String message) throws IOException {
        synchronized (out) {
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }
    }

    static SSLContext trustAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] { new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String type) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String type) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        } }, null);
        return context;
    }

    // ---------------------------------------------------------------- uas

    static void uas(int port, String keyStorePath, char[] password) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keyStorePath)) {
            keyStore.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, password);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        ServerSocket server = TLS ? context.getServerSocketFactory().createServerSocket() : new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(HOST, port), 64);
        System.out.println("uas listening on " + PARAM + " " + HOST + ":" + port);
        AtomicInteger tags = new AtomicInteger();
        while (true) {
            Socket socket = server.accept();
            Thread thread = new Thread(() -> serve(socket, port, tags), "uas-" + socket.getPort());
            thread.setDaemon(true);
            thread.start();
        }
    }

    static void serve(Socket socket, int port, AtomicInteger tags) {
        try (socket) {
            socket.setTcpNoDelay(true);
            Reader in = new Reader(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16384);
            Message request;
            while ((request = in.read()) != null) {
                if (request.isResponse()) {
                    continue;
                }
                String method = request.startLine().substring(0, request.startLine().indexOf(' '));
                if (method.equals("INVITE")) {
                    String tag = "uas" + tags.incrementAndGet();
                    write(out, response(request, "180 Ringing", tag, port, true, null));
                    write(out, response(request, "200 OK", tag, port, true, SDP));
                } else if (!method.equals("ACK")) {
                    write(out, response(request, "200 OK", null, port, false, null));
                }
            }
        } catch (IOException e) {
            System.err.println("uas connection " + socket.getPort() + ": " + e);
        }
    }

    static String response(Message request, String status, String tag, int port, boolean dialog, String sdp) {
        StringBuilder out = new StringBuilder(512).append("SIP/2.0 ").append(status).append("\r\n");
        for (String via : request.lines("Via", "v")) {
            out.append(via).append("\r\n");
        }
        if (dialog) {
            for (String rr : request.lines("Record-Route", null)) {
                out.append(rr).append("\r\n");
            }
        }
        out.append("From: ").append(request.header("From", "f")).append("\r\n");
        String to = request.header("To", "t");
        out.append("To: ").append(to).append(tag != null && !to.contains(";tag=") ? ";tag=" + tag : "").append("\r\n");
        out.append("Call-ID: ").append(request.header("Call-ID", "i")).append("\r\n");
        out.append("CSeq: ").append(request.header("CSeq", "CSeq")).append("\r\n");
        if (dialog) {
            out.append("Contact: <sip:").append(HOST).append(':').append(port).append(";transport=").append(PARAM).append(">\r\n");
        }
        if (sdp != null) {
            out.append("Content-Type: application/sdp\r\n");
        }
        byte[] body = sdp == null ? new byte[0] : sdp.getBytes(StandardCharsets.UTF_8);
        out.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        if (sdp != null) {
            out.append(sdp);
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- uac

    /** A call's INVITE sending time; then its INVITE→200 time. */
    static final class Call {
        final long sentNanos = System.nanoTime();
        volatile long rttMicros = -1;
    }

    static int uac(int peerPort, int localPort, int rate, int calls, int timeoutSeconds) throws Exception {
        Socket plain = new Socket();
        plain.setReuseAddress(true);
        plain.bind(new InetSocketAddress(HOST, localPort));
        plain.connect(new InetSocketAddress(HOST, peerPort), 5000);
        plain.setTcpNoDelay(true);
        Socket socket = TLS ? trustAll().getSocketFactory().createSocket(plain, HOST, peerPort, true) : plain;
        if (socket instanceof SSLSocket ssl) {
            ssl.startHandshake();
        }
        Reader in = new Reader(socket.getInputStream());
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16384);
        String pid = Long.toString(ProcessHandle.current().pid());
        String local = HOST + ":" + localPort;
        String remote = HOST + ":" + peerPort;
        ConcurrentHashMap<String, Call> open = new ConcurrentHashMap<>();
        long[] rtts = new long[calls];
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();

        Thread reader = new Thread(() -> {
            try {
                Message m;
                while ((m = in.read()) != null) {
                    if (!m.isResponse()) {
                        continue;
                    }
                    String callId = m.header("Call-ID", "i");
                    Call call = open.get(callId);
                    if (call == null) {
                        continue;
                    }
                    int status = m.status();
                    String method = m.cseqMethod();
                    if (method.equals("INVITE")) {
                        if (status < 200) {
                            continue;
                        }
                        if (status >= 300) {
                            open.remove(callId);
                            failed.incrementAndGet();
                            continue;
                        }
                        if (call.rttMicros >= 0) {
                            continue; // a retransmitted 200
                        }
                        call.rttMicros = (System.nanoTime() - call.sentNanos) / 1000;
                        rtts[answered.getAndIncrement()] = call.rttMicros;
                        String n = callId.substring(0, callId.indexOf('-'));
                        String to = m.header("To", "t");
                        write(out, inDialog("ACK", 1, n, callId, to, local, remote, pid));
                        write(out, inDialog("BYE", 2, n, callId, to, local, remote, pid));
                    } else if (method.equals("BYE") && status >= 200) {
                        open.remove(callId);
                        (status < 300 ? ok : failed).incrementAndGet();
                    }
                }
            } catch (IOException e) {
                if (!socket.isClosed()) {
                    System.err.println("uac: " + e);
                }
            }
        }, "uac-reader");
        reader.setDaemon(true);
        reader.start();

        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            long due = start + (long) i * 1_000_000_000L / rate;
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            String callId = i + "-" + pid + "@" + HOST;
            open.put(callId, new Call());
            write(out, invite(i, callId, local, remote, pid));
        }
        long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        int unfinished = open.size();
        long[] sorted = Arrays.copyOf(rtts, answered.get());
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "ok=%d failed=%d p50=%s p99=%s protocol=%s cipher=%s seconds=%.1f%n", ok.get(), failed.get() + unfinished,
                percentile(sorted, 50), percentile(sorted, 99), socket instanceof SSLSocket ssl ? ssl.getSession().getProtocol() : "-", socket instanceof SSLSocket ssl ? ssl.getSession().getCipherSuite() : "-",
                (System.nanoTime() - start) / 1e9);
        socket.close();
        return 0;
    }

    static String percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return "-";
        }
        int i = Math.max(0, (int) ((long) sorted.length * p / 100) - 1);
        return String.format(Locale.ROOT, "%.2f", sorted[i] / 1000.0);
    }

    static String invite(int n, String callId, String local, String remote, String pid) {
        return "INVITE sip:service@" + remote + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + VIA + " " + local + ";branch=z9hG4bK-" + pid + "-" + n + "-0\r\n"
                + "From: sipp <sip:sipp@" + local + ">;tag=" + pid + "SIPpTag00" + n + "\r\n"
                + "To: service <sip:service@" + remote + ">\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: sip:sipp@" + local + ";transport=" + PARAM + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "Subject: Performance Test\r\n"
                + "Content-Type: application/sdp\r\n"
                + "Content-Length: " + SDP.length() + "\r\n\r\n" + SDP;
    }

    static String inDialog(String method, int cseq, String n, String callId, String to, String local, String remote, String pid) {
        return method + " sip:service@" + remote + " SIP/2.0\r\n"
                + "Via: SIP/2.0/" + VIA + " " + local + ";branch=z9hG4bK-" + pid + "-" + n + "-" + cseq + method.charAt(0) + "\r\n"
                + "From: sipp <sip:sipp@" + local + ">;tag=" + pid + "SIPpTag00" + n + "\r\n"
                + "To: " + to + "\r\n"
                + "Call-ID: " + callId + "\r\n"
                + "CSeq: " + cseq + " " + method + "\r\n"
                + "Contact: sip:sipp@" + local + ";transport=" + PARAM + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "Subject: Performance Test\r\n"
                + "Content-Length: 0\r\n\r\n";
    }
}
