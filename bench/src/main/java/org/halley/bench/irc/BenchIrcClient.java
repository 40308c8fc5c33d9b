package org.halley.bench.irc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A plain IRC client for the load: registers, answers PINGs and hands every line to a callback on
 * its own virtual thread (it keeps none, unlike the testkit's recording client).
 */
public final class BenchIrcClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final CountDownLatch welcomed = new CountDownLatch(1);
    private volatile Consumer<String> lines = l -> { };

    public BenchIrcClient(int port, String nick) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        Thread.ofVirtual().name("bench-irc-" + nick).start(this::read);
        send("NICK " + nick);
        send("USER " + nick + " 0 * :bench");
        try {
            if (!welcomed.await(30, TimeUnit.SECONDS)) {
                throw new IOException(nick + " was not welcomed within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public void onLine(Consumer<String> c) {
        lines = c;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("PING ")) {
                    send("PONG " + line.substring(5));
                } else if (line.contains(" 001 ")) {
                    welcomed.countDown();
                }
                lines.accept(line);
            }
        } catch (IOException e) {
            // closed
        }
    }

    public synchronized void send(String line) {
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            send("QUIT :bench over");
        } catch (UncheckedIOException e) {
            // gone already
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
