package org.halley.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A hostile IRC server for tests: it registers a client with the least a client needs, then says
 * whatever the test tells it to (nicks, channel names and text no well-behaved server would send).
 * What reaches the browser from it went through the real gateway and IRC bridge.
 */
final class ScriptedIrcServer implements AutoCloseable {
    static final String NAME = "evil.test";

    private final ServerSocket socket;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private final BiFunction<String, String, List<String>> onJoin;
    /** When set, QUIT is ignored and the connection stays open (a server that does not let go). */
    volatile boolean ignoreQuit;

    /** {@code onJoin(nick, channel)} gives the lines that follow the JOIN echo (topic, names, ...). */
    ScriptedIrcServer(BiFunction<String, String, List<String>> onJoin) {
        this.onJoin = onJoin;
        try {
            socket = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("scripted-irc-accept").start(this::accept);
    }

    int port() {
        return socket.getLocalPort();
    }

    List<String> received() {
        return List.copyOf(received);
    }

    /** The nick of the (last) registered client. */
    String nick() {
        return clients.isEmpty() ? "" : clients.get(clients.size() - 1).nick;
    }

    /** Sends raw lines to every connected client; {@code $nick} becomes the client's nick. */
    void send(String... lines) {
        for (Client c : clients) {
            for (String line : lines) {
                c.send(line.replace("$nick", c.nick));
            }
        }
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Client c = new Client(s);
                clients.add(c);
                Thread.ofVirtual().name("scripted-irc-client").start(c::read);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
        clients.forEach(Client::close);
    }

    private final class Client {
        private final Socket socket;
        private final OutputStream out;
        volatile String nick = "*";
        private boolean registered;

        Client(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    received.add(line);
                    handle(line);
                }
            } catch (IOException e) {
                // gone
            }
        }

        private void handle(String line) {
            String[] w = line.split(" ", 3);
            switch (w[0]) {
                case "CAP" -> {
                    if (w.length > 1 && w[1].equals("LS")) {
                        send(":" + NAME + " CAP * LS :");
                    }
                }
                case "NICK" -> {
                    nick = w[1].startsWith(":") ? w[1].substring(1) : w[1];
                    if (registered) {
                        send(":" + nick + "!u@h NICK :" + nick);
                    }
                }
                case "USER" -> {
                    registered = true;
                    send(":" + NAME + " 001 " + nick + " :Welcome, " + nick);
                    send(":" + NAME + " 002 " + nick + " :Your host is " + NAME);
                    send(":" + NAME + " 003 " + nick + " :This server was created today");
                    send(":" + NAME + " 004 " + nick + " " + NAME + " scripted-1 i ntov");
                    send(":" + NAME + " 005 " + nick + " CHANTYPES=# PREFIX=(ov)@+ NICKLEN=60 CHANNELLEN=60 :are supported");
                    send(":" + NAME + " 422 " + nick + " :No MOTD");
                }
                case "PING" -> send(":" + NAME + " PONG " + NAME + " " + (w.length > 1 ? w[1] : ""));
                case "JOIN" -> {
                    String channel = w[1];
                    send(":" + nick + "!u@h JOIN :" + channel);
                    onJoin.apply(nick, channel).forEach(l -> send(l.replace("$nick", nick)));
                }
                case "QUIT" -> {
                    if (!ignoreQuit) {
                        close();
                    }
                }
                default -> { }
            }
        }

        synchronized void send(String line) {
            try {
                out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                // the client left
            }
        }

        void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
