package org.restcomm.lb.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import javax.net.ssl.SSLEngine;

/** Raw client moves against a TLS listener: bytes of a ClientHello, waiting for the server to hang up, a GET on an open connection. */
public final class TlsProbe {

    private TlsProbe() {
    }

    /** Begins a handshake and stops halfway: the first half of a real ClientHello. */
    public static void sendHalfAClientHello(Socket socket) throws IOException {
        byte[] hello = clientHello();
        socket.getOutputStream().write(hello, 0, hello.length / 2);
        socket.getOutputStream().flush();
    }

    /** The bytes of a real ClientHello record. */
    private static byte[] clientHello() throws IOException {
        SSLEngine client = TestTls.client().createSSLEngine("127.0.0.1", 443);
        client.setUseClientMode(true);
        ByteBuffer out = ByteBuffer.allocate(client.getSession().getPacketBufferSize());
        client.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** Reads until the server closes the connection (or resets it); a read timeout means it did not, and fails. */
    public static void readUntilClosed(Socket socket) throws IOException {
        try {
            socket.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the server left the connection open", e);
        } catch (java.net.SocketException e) {
            // reset by the server: closed as well
        }
    }

    /** A GET of the path over an open connection, kept alive; the status line and the body of the answer. */
    public static String get(Socket socket, String path) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        int length = Arrays.stream(head.toString().split("\r\n")).filter(line -> line.toLowerCase().startsWith("content-length:"))
                .mapToInt(line -> Integer.parseInt(line.substring("content-length:".length()).trim())).findFirst().orElse(0);
        return head.substring(0, head.indexOf("\r\n")) + " " + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
