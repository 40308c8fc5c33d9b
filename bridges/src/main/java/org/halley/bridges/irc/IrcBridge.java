package org.halley.bridges.irc;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.SocketFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import com.google.common.util.concurrent.MoreExecutors;
import org.halley.bridges.Bridge;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEventSink;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.config.IrcBridgeConfig;

/** One configured IRC network. Thread-safe. */
public final class IrcBridge implements Bridge {
    static final String VERSION = "Halley web chat gateway";

    private final IrcBridgeConfig config;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<IrcConnection> open = ConcurrentHashMap.newKeySet();
    private final SocketFactory sockets;

    public IrcBridge(IrcBridgeConfig config) {
        this.config = config;
        this.sockets = config.tls() ? verifyingTls() : SocketFactory.getDefault();
    }

    @Override
    public String name() {
        return config.name();
    }

    public IrcBridgeConfig config() {
        return config;
    }

    @Override
    public BridgeConnection connect(Login login, ChatEventSink sink) throws CommandRejectedException {
        String nick = login.nick().isEmpty() ? randomNick(config.nick().defaultNick()) : login.nick();
        IrcArgs.nick("nick", nick, config.nick().maxLength());
        List<String> channels = new ArrayList<>();
        for (String c : login.channels()) {
            IrcArgs.channel("channels", c, "#&+!", 50);
            if (!config.allowsChannel(c)) {
                throw new CommandRejectedException("not-allowed", "channels",
                        c + " is not open through this gateway (allowed: " + config.allowedChannels() + ")");
            }
            channels.add(c);
        }
        IrcConnection[] self = new IrcConnection[1];
        IrcConnection c = new IrcConnection(config, login, nick, channels, sink,
                MoreExecutors.newSequentialExecutor(threads), sockets, VERSION, () -> open.remove(self[0]));
        self[0] = c;
        open.add(c);
        c.start();
        return c;
    }

    /** Connections open now. */
    public int connections() {
        return open.size();
    }

    @Override
    public void close() {
        for (IrcConnection c : open) {
            c.close("Halley is shutting down");
        }
    }

    static String randomNick(String template) {
        StringBuilder b = new StringBuilder();
        for (char c : template.toCharArray()) {
            b.append(c == '?' ? (char) ('0' + ThreadLocalRandom.current().nextInt(10)) : c);
        }
        return b.toString();
    }

    /** TLS that checks the certificate chain and that it names the host (plain SSLSockets do not). */
    private static SocketFactory verifyingTls() {
        SSLSocketFactory base = (SSLSocketFactory) SSLSocketFactory.getDefault();
        return new SocketFactory() {
            private java.net.Socket verify(java.net.Socket s) {
                SSLSocket ssl = (SSLSocket) s;
                SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
                return ssl;
            }

            @Override
            public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
                return verify(base.createSocket(host, port));
            }

            @Override
            public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort) throws java.io.IOException {
                return verify(base.createSocket(host, port, local, localPort));
            }

            @Override
            public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
                return verify(base.createSocket(host, port));
            }

            @Override
            public java.net.Socket createSocket(java.net.InetAddress host, int port, java.net.InetAddress local, int localPort) throws java.io.IOException {
                return verify(base.createSocket(host, port, local, localPort));
            }
        };
    }
}
