package org.halley.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A plain IRC client on a socket, for the other side of a test: what the server relays to it is
 * what really went over the wire. Answers PINGs; records every line.
 */
public final class RawIrcClient implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final String nick;

    private RawIrcClient(int port, String nick) throws IOException {
        this.nick = nick;
        this.socket = new Socket(InetAddress.getLoopbackAddress(), port);
        this.out = socket.getOutputStream();
        Thread reader = new Thread(this::read, "raw-irc-" + nick);
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects and registers as {@code nick}; returns once the server has welcomed it. */
    public static RawIrcClient connect(int port, String nick) {
        try {
            RawIrcClient c = new RawIrcClient(port, nick);
            c.send("NICK " + nick);
            c.send("USER " + nick + " 0 * :raw test client");
            c.await(l -> l.contains(" 001 "), Duration.ofSeconds(10));
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("PING ")) {
                    send("PONG " + line.substring(5));
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    /** Sends one line (CR LF added). The test's own lines are trusted. */
    public synchronized void send(String line) {
        try {
            out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void join(String channel) {
        send("JOIN " + channel);
        await(l -> l.contains(" 366 " + nick + " " + channel), Duration.ofSeconds(10));
    }

    public void say(String target, String text) {
        send("PRIVMSG " + target + " :" + text);
    }

    /** Waits for a line matching {@code p} (seen before or after the call) and returns it. */
    public String await(Predicate<String> p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : lines) {
                if (p.test(l)) {
                    return l;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no matching IRC line within " + timeout + "; got:\n" + String.join("\n", lines));
    }

    /** Every line received so far. */
    public List<String> lines() {
        return new ArrayList<>(lines);
    }

    public String nick() {
        return nick;
    }

    @Override
    public void close() {
        try {
            send("QUIT :bye");
        } catch (UncheckedIOException e) {
            // already gone
        }
        try {
            socket.close();
        } catch (IOException e) {
            // ignore
        }
    }
}
