package org.halley.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a real IRC server that records every line its clients send upstream,
 * as the server reads them: the proof of what a gateway did or did not send to a network. Bytes
 * are relayed untouched both ways; only the client-to-server direction is recorded (UTF-8, a
 * malformed byte shown as U+FFFD, so a lone surrogate sent as {@code ?} shows as {@code ?}).
 *
 * <pre>{@code
 * try (IrcWireTap tap = IrcWireTap.to(irc.port())) { ... connect to tap.port() ... tap.sent() ... }
 * }</pre>
 */
public final class IrcWireTap implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();

    private IrcWireTap(int target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("irc-tap-accept").start(this::accept);
    }

    /** A tap relaying to 127.0.0.1:{@code port}. */
    public static IrcWireTap to(int port) {
        try {
            return new IrcWireTap(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Every line clients have sent upstream so far, in order, without CRLF. */
    public List<String> sent() {
        return List.copyOf(sent);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                open.add(client);
                open.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, true));
                Thread.ofVirtual().start(() -> pump(server, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean record) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (record) { // recorded before relayed: a test that sees the server's answer sees the line
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            String s = line.toString(StandardCharsets.UTF_8);
                            sent.add(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s);
                            line.reset();
                        } else {
                            line.write(buf[i]);
                        }
                    }
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // closed
        } finally {
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        close(listener);
        open.forEach(IrcWireTap::close);
    }

    private static void close(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing
        }
    }
}
