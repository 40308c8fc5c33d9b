package org.halley.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.halley.bridges.Bridge;
import org.halley.bridges.Login;
import org.halley.bridges.irc.IrcBridge;
import org.halley.bridges.xmpp.XmppBridge;
import org.halley.config.BridgeConfig;
import org.halley.config.HalleyConfig;
import org.halley.config.IrcBridgeConfig;
import org.halley.config.XmppBridgeConfig;
import org.halley.push.PushListener;
import org.halley.push.PushServer;
import org.halley.push.PushSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Halley: the push server, one {@link Bridge} per configured network, the web assets,
 * and a {@link UserSession} per browser session.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    static final String QUIT_MESSAGE = "Web chat session ended";

    private final HalleyConfig config;
    private final Map<String, Bridge> bridges;
    /** What each network is told when a browser session ends (QUIT on IRC). */
    private final Map<String, String> quitMessages;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final PushServer push;

    private Gateway(HalleyConfig config) {
        this.config = config;
        this.bridges = bridges(config);
        this.quitMessages = quitMessages(config);
        StaticFiles files = StaticFiles.load();
        WebHandler web = new WebHandler(files, networksJson(config),
                WebHandler.contentSecurityPolicy(config.server().publicUrl(), config.server().allowedOrigins()));
        this.push = PushServer.builder()
                .server(config.server())
                .limits(config.limits())
                .node(config.cluster().node())
                .listener(new Listener())
                .application(() -> web)
                // sessions-per-ip counts browsers, not the load balancer they all come through
                .clientKey(c -> ClientAddresses.resolve(c.remote(), c.forwardedFor(), config.server().trustedProxies()).ip())
                .build();
    }

    /** Starts Halley with {@code config}; returns once it listens. */
    public static Gateway start(HalleyConfig config) throws InterruptedException {
        Gateway g = new Gateway(config);
        g.push.start();
        log.info("Halley {} listening on {}:{} for {} with networks {}", version(), config.server().bind(), g.port(),
                config.server().publicUrl(), g.bridges.keySet());
        return g;
    }

    public int port() {
        return push.port();
    }

    public PushServer push() {
        return push;
    }

    public HalleyConfig config() {
        return config;
    }

    /** The networks, by name. */
    Map<String, Bridge> bridges() {
        return bridges;
    }

    @Override
    public void close() throws InterruptedException {
        push.stop("shutdown", 5_000); // ends every session: each UserSession QUITs its networks
        bridges.values().forEach(Bridge::close);
        threads.close();
    }

    static String version() {
        String v = Gateway.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static Map<String, Bridge> bridges(HalleyConfig config) {
        Map<String, Bridge> out = new LinkedHashMap<>();
        for (BridgeConfig b : config.bridges()) {
            switch (b) {
                case IrcBridgeConfig irc -> out.put(irc.name(), new IrcBridge(irc));
                case XmppBridgeConfig xmpp -> out.put(xmpp.name(), new XmppBridge(xmpp));
            }
        }
        return out;
    }

    private static Map<String, String> quitMessages(HalleyConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        for (BridgeConfig b : config.bridges()) {
            out.put(b.name(), b instanceof IrcBridgeConfig irc ? irc.quitMessage() : QUIT_MESSAGE);
        }
        return out;
    }

    /** What the connect screen needs to know of each network: never hosts or ports. */
    static String networksJson(HalleyConfig config) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("networks");
            for (BridgeConfig b : config.bridges()) {
                g.writeStartObject();
                g.writeStringField("name", b.name());
                g.writeStringField("kind", b.kind());
                g.writeArrayFieldStart("channels");
                switch (b) {
                    case IrcBridgeConfig irc -> {
                        for (String c : irc.defaultChannels()) {
                            g.writeString(c);
                        }
                    }
                    case XmppBridgeConfig xmpp -> {
                        for (String r : xmpp.defaultRooms()) {
                            g.writeString(r);
                        }
                    }
                }
                g.writeEndArray();
                if (b instanceof IrcBridgeConfig irc) {
                    g.writeStringField("defaultNick", irc.nick().defaultNick());
                    g.writeNumberField("maxNickLength", irc.nick().maxLength());
                }
                if (b instanceof XmppBridgeConfig xmpp) {
                    g.writeStringField("login", xmpp.login().yamlName()); // the connect screen asks for an address and password, or not
                    g.writeStringField("domain", xmpp.domain());
                    g.writeStringField("mucService", xmpp.mucService()); // the page names rooms of it by their local part
                    g.writeStringField("defaultNick", xmpp.nick().defaultNick());
                    g.writeNumberField("maxNickLength", xmpp.nick().maxLength());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Push-core events; on a shard's loop, so each hands work over and returns. */
    private final class Listener implements PushListener {
        @Override
        public void opened(PushSession session) {
            Login.ClientAddress client = ClientAddresses.resolve(session.client().remote(), session.client().forwardedFor(),
                    config.server().trustedProxies());
            session.attach(new UserSession(session, bridges, client, quitMessages, threads));
        }

        @Override
        public void message(PushSession session, String json) {
            ((UserSession) session.attachment()).received(json);
        }

        @Override
        public void closed(PushSession session, String reason) {
            log.info("session {} ended ({})", session.id(), reason);
            ((UserSession) session.attachment()).ended(reason);
        }
    }
}
