package org.halley.bridges.xmpp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A TCP relay to a real server whose links can be cut at once (RST both ways), as a network fault would. */
final class CuttableProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    /** Links that still look open but carry nothing: a black hole, as a dead route would be. */
    private final java.util.Set<Socket> silent = java.util.concurrent.ConcurrentHashMap.newKeySet();

    CuttableProxy(int targetPort) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                    open.add(client);
                    open.add(server);
                    Thread.ofVirtual().start(() -> pump(client, server));
                    Thread.ofVirtual().start(() -> pump(server, client));
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!silent.contains(from)) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // cut
        }
    }

    /** From now on the links open now carry nothing either way, without closing. */
    void silence() {
        silent.addAll(open);
    }

    /** Resets every link now open; new ones are relayed as before. */
    void cut() {
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0);
                s.close();
            } catch (IOException e) {
                // already gone
            }
        }
        open.clear();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
