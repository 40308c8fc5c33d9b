package org.halley.push;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;

/**
 * A client on a bare socket, for what java.net.http will not do: never read (a slow consumer),
 * offer permessage-deflate with any parameters, send crafted frames (RSV bits, compressed
 * fragments, a decompression bomb) whole or a byte at a time, and read frames as they came.
 */
final class RawClient implements AutoCloseable {
    final Socket socket = new Socket();
    final InputStream in;
    final OutputStream out;

    /** Connects with a small receive buffer, so that a client that does not read fills up fast. */
    RawClient(int port, int receiveBuffer) throws IOException {
        socket.setReceiveBufferSize(receiveBuffer);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    void request(String head) throws IOException {
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Sends a WebSocket handshake for {@code path}, optionally offering permessage-deflate. */
    void upgrade(String path, boolean deflate) throws IOException {
        upgrade(path, deflate ? "permessage-deflate" : null);
    }

    /** Sends a WebSocket handshake for {@code path} with {@code extensions} (null: none) offered. */
    void upgrade(String path, String extensions) throws IOException {
        request("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + (extensions != null ? "Sec-WebSocket-Extensions: " + extensions + "\r\n" : "") + "\r\n");
    }

    /** Reads an HTTP response head. */
    String readHead() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the response head: " + b);
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    static final int FIN = 0x80;
    static final int RSV1 = 0x40;
    static final int RSV2 = 0x20;
    static final int RSV3 = 0x10;
    static final int CONTINUATION = 0;
    static final int TEXT = 1;
    static final int BINARY = 2;
    static final int CLOSE = 8;
    static final int PING = 9;
    static final int PONG = 10;

    /** Sends one masked, final frame. */
    void frame(int opcode, boolean rsv1, byte[] payload) throws IOException {
        frame(FIN | (rsv1 ? RSV1 : 0), opcode, payload, false);
    }

    /**
     * Sends one masked frame: {@code bits} are the FIN and RSV bits of its first byte; {@code
     * byteAtATime} writes (and flushes) it one byte at a time, so the server decodes it from as
     * many reads as it has bytes.
     */
    void frame(int bits, int opcode, byte[] payload, boolean byteAtATime) throws IOException {
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(bits | opcode);
        if (payload.length < 126) {
            f.write(0x80 | payload.length);
        } else if (payload.length < 65536) {
            f.write(0x80 | 126);
            f.write(payload.length >> 8);
            f.write(payload.length);
        } else {
            f.write(0x80 | 127);
            for (int i = 7; i >= 0; i--) {
                f.write((int) ((long) payload.length >> (8 * i)));
            }
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        f.write(mask);
        for (int i = 0; i < payload.length; i++) {
            f.write(payload[i] ^ mask[i & 3]);
        }
        if (byteAtATime) {
            for (byte b : f.toByteArray()) {
                out.write(b);
                out.flush();
            }
        } else {
            out.write(f.toByteArray());
            out.flush();
        }
    }

    /** A frame from the server: {@code bits} are its FIN and RSV bits. */
    record Frame(int bits, int opcode, byte[] payload) {
        boolean fin() {
            return (bits & FIN) != 0;
        }

        boolean rsv1() {
            return (bits & RSV1) != 0;
        }

        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** Reads one frame. */
    Frame readFrame() throws IOException {
        DataInputStream d = new DataInputStream(in);
        int b0 = d.readUnsignedByte();
        int b1 = d.readUnsignedByte();
        long len = b1 & 0x7f;
        if (len == 126) {
            len = d.readUnsignedShort();
        } else if (len == 127) {
            len = d.readLong();
        }
        return new Frame(b0 & 0xf0, b0 & 0x0f, d.readNBytes((int) len));
    }

    /** Whether the server closed the connection: the next read finds its end, not bytes. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException reset) {
            return true; // closed with unread bytes of ours: a reset, also the end
        }
    }

    /** Reads frames until a close frame; returns its status code. */
    int awaitClose() throws IOException {
        for (;;) {
            Frame f = readFrame();
            if (f.opcode() == CLOSE) {
                byte[] p = f.payload();
                return p.length >= 2 ? ((p[0] & 0xff) << 8) | (p[1] & 0xff) : 1005;
            }
        }
    }

    /** {@code data} as one permessage-deflate message body (RFC 7692: sync flush, tail removed). */
    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(9, true);
        try {
            return deflate(d, data);
        } finally {
            d.end();
        }
    }

    /**
     * {@code data} as the next permessage-deflate message body from {@code d} (raw deflate), which
     * keeps its window for the next message: context takeover.
     */
    static byte[] deflate(Deflater d, byte[] data) {
        d.setInput(data);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            b.write(buf, 0, n);
        } while (n == buf.length); // a full buffer: more of the flush may follow
        byte[] all = b.toByteArray(); // ends 00 00 ff ff (the empty stored block of the flush)
        return java.util.Arrays.copyOf(all, all.length - 4);
    }

    /**
     * A permessage-deflate message body inflated by {@code i} (raw inflate; kept across messages
     * when the server takes over its context).
     */
    static byte[] inflate(java.util.zip.Inflater i, byte[] body) throws java.util.zip.DataFormatException {
        byte[] input = java.util.Arrays.copyOf(body, body.length + 4);
        input[body.length + 2] = (byte) 0xff;
        input[body.length + 3] = (byte) 0xff;
        i.setInput(input);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = i.inflate(buf)) > 0 || !(i.needsInput() || i.finished()); ) {
            b.write(buf, 0, n);
        }
        return b.toByteArray();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
