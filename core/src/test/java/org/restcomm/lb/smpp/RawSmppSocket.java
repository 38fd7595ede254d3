package org.restcomm.lb.smpp;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/** A plain socket that writes any bytes and reads whole PDUs: for what a real SMPP library would refuse to send. */
public final class RawSmppSocket implements AutoCloseable {

    /** The header of a PDU read back. */
    public record Header(int length, int commandId, int status, int sequence) {
    }

    private final Socket socket;
    private final DataInputStream in;

    public RawSmppSocket(InetSocketAddress address) throws IOException {
        this(address, 0);
    }

    /** @param receiveBuffer SO_RCVBUF, set before connecting so that it bounds the TCP window; 0 for the system's */
    public RawSmppSocket(InetSocketAddress address, int receiveBuffer) throws IOException {
        this.socket = new Socket();
        if (receiveBuffer > 0) {
            this.socket.setReceiveBufferSize(receiveBuffer);
        }
        this.socket.connect(address, 5000);
        this.socket.setSoTimeout(5000);
        this.in = new DataInputStream(this.socket.getInputStream());
    }

    public void write(byte[] bytes) throws IOException {
        this.socket.getOutputStream().write(bytes);
        this.socket.getOutputStream().flush();
    }

    public void writeHeader(int length, int commandId, int status, int sequence) throws IOException {
        this.write(ByteBuffer.allocate(16).putInt(length).putInt(commandId).putInt(status).putInt(sequence).array());
    }

    /** The next PDU, body skipped. */
    public Header read() throws IOException {
        Header header = new Header(this.in.readInt(), this.in.readInt(), this.in.readInt(), this.in.readInt());
        this.in.skipNBytes(header.length() - 16);
        return header;
    }

    /** True when the balancer closed the connection within 5 s. */
    public boolean closedByPeer() throws IOException {
        try {
            while (true) {
                this.read();
            }
        } catch (EOFException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            // reset by peer
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }
}
