package org.halley.bridges.xmpp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.X509TrustManager;
import com.google.common.util.concurrent.MoreExecutors;
import org.halley.bridges.Bridge;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEventSink;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.config.XmppBridgeConfig;
import org.halley.config.XmppLogin;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnection;
import org.jivesoftware.smack.c2s.ModularXmppClientToServerConnectionConfiguration;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smack.tcp.XmppTcpTransportModuleDescriptor;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.parts.Resourcepart;
import org.jxmpp.stringprep.XmppStringprepException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured XMPP service. Each person gets their own Smack connection ({@link
 * XmppConnection}), logged in with their own account or anonymously as the bridge says.
 * Thread-safe.
 */
public final class XmppBridge implements Bridge {
    private static final Logger log = LoggerFactory.getLogger(XmppBridge.class);
    /** SASL mechanisms Halley uses: SCRAM first; PLAIN only inside TLS; ANONYMOUS for anonymous bridges. */
    static final List<String> MECHANISMS_TLS = List.of("SCRAM-SHA-1", "PLAIN");
    static final List<String> MECHANISMS_PLAIN_TEXT = List.of("SCRAM-SHA-1");

    private volatile XmppBridgeConfig config; // a reload may replace it; see reconfigure
    private final XmppTransport transport;
    private final X509TrustManager trust;
    private final javax.net.ssl.SSLContext tls = TlsTrust.verifyingContext();
    private final InetAddress address;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<XmppConnection> open = ConcurrentHashMap.newKeySet();

    public XmppBridge(XmppBridgeConfig config) {
        this(config, XmppTransport.DEFAULT);
    }

    /**
     * @throws IllegalArgumentException when the CA file cannot be read (the message says which
     *     file and why)
     */
    public XmppBridge(XmppBridgeConfig config, XmppTransport transport) {
        SmackSetup.ensure();
        if (transport == XmppTransport.REACTOR) {
            ReactorWatchdog.ensure();
        }
        this.config = config;
        this.transport = transport;
        try {
            this.trust = TlsTrust.trustManager(config.caFile().orElse(null));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("bridges: '" + config.name() + "': ca-file " + config.caFile().orElseThrow()
                    + ": cannot read certificates: " + e.getMessage(), e);
        }
        InetAddress a = null;
        try {
            a = InetAddress.getByName(config.host()); // literal IPs never wait on DNS
        } catch (UnknownHostException e) {
            log.warn("XMPP bridge {}: {} does not resolve now; will retry on each connection", config.name(), config.host());
        }
        this.address = a;
        if (!config.tls()) {
            log.warn("XMPP bridge {} has tls: false: everything, passwords included, goes to {}:{} in plain text."
                    + " Use this for a local test server only.", config.name(), config.host(), config.port());
        }
    }

    @Override
    public String name() {
        return config.name();
    }

    public XmppBridgeConfig config() {
        return config;
    }

    /**
     * Takes a new config for this service (a reload). Connections opened from now on use all of
     * it; connections already open keep theirs, except the room patterns, which their next join
     * checks against the new ones. The host, TLS and CA file were fixed when the bridge was built:
     * the caller keeps those unchanged (they need a restart).
     */
    public void reconfigure(XmppBridgeConfig next) {
        if (!next.name().equals(config.name())) {
            throw new IllegalArgumentException("reconfigure: " + next.name() + " is not " + config.name());
        }
        this.config = next;
    }

    public XmppTransport transport() {
        return transport;
    }

    /** Connections open now. */
    @Override
    public int connections() {
        return open.size();
    }

    @Override
    public BridgeConnection connect(Login login, ChatEventSink sink) throws CommandRejectedException {
        XmppBridgeConfig config = this.config;
        Credentials credentials = credentials(login);
        String wanted = login.nick().isEmpty()
                ? (credentials.account() != null ? credentials.account().getLocalpart().toString() : NickTemplates.expand(config.nick().defaultNick(), "", 64))
                : login.nick();
        Resourcepart nick = XmppArgs.nick("nick", wanted.length() > config.nick().maxLength() && login.nick().isEmpty()
                ? wanted.substring(0, config.nick().maxLength()) : wanted, config.nick().maxLength());
        List<EntityBareJid> rooms = new ArrayList<>();
        for (String r : login.channels()) {
            rooms.add(XmppArgs.room("channels", r, config));
        }
        XmppConnection[] self = new XmppConnection[1];
        XmppConnection c = new XmppConnection(this, credentials, nick, rooms, sink,
                MoreExecutors.newSequentialExecutor(threads), MoreExecutors.newSequentialExecutor(threads),
                () -> open.remove(self[0]));
        self[0] = c;
        open.add(c);
        c.start();
        return c;
    }

    private Credentials credentials(Login login) throws CommandRejectedException {
        if (config.login() == XmppLogin.ANONYMOUS) {
            if (!login.account().isEmpty() || !login.password().isEmpty()) {
                throw new CommandRejectedException("invalid", "account",
                        config.name() + " logs people in anonymously; leave account and password empty");
            }
            return new Credentials(null, "");
        }
        if (login.account().isEmpty()) {
            throw new CommandRejectedException("account", "is empty; give your address (alice@" + config.domain() + ")");
        }
        String raw = login.account().indexOf('@') >= 0 ? login.account() : login.account() + "@" + config.domain();
        EntityBareJid jid = XmppArgs.jid("account", raw);
        if (!jid.asDomainBareJid().toString().equalsIgnoreCase(config.domain())) {
            throw new CommandRejectedException("not-allowed", "account",
                    config.name() + " is for addresses at " + config.domain() + ", not " + jid.asDomainBareJid());
        }
        if (login.password().isEmpty()) {
            throw new CommandRejectedException("password", "is empty");
        }
        return new Credentials(jid, XmppArgs.password("password", login.password()));
    }

    /** A new, unconnected Smack connection for {@code credentials} (on the caller's thread; no I/O). */
    AbstractXMPPConnection newConnection(Credentials credentials) throws XmppStringprepException {
        Resourcepart resource = Resourcepart.from("halley-" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36));
        return switch (transport) {
            case REACTOR -> {
                ModularXmppClientToServerConnectionConfiguration.Builder b = ModularXmppClientToServerConnectionConfiguration.builder();
                common(b, credentials, resource);
                b.removeAllModules(); // not Bind2 or compression stubs: TCP with STARTTLS only
                b.addModule(XmppTcpTransportModuleDescriptor.class);
                yield new ModularXmppClientToServerConnection(b.build());
            }
            case THREADS -> {
                XMPPTCPConnectionConfiguration.Builder b = XMPPTCPConnectionConfiguration.builder();
                common(b, credentials, resource);
                b.setConnectTimeout(15_000);
                XMPPTCPConnection c = new XMPPTCPConnection(b.build());
                c.setUseStreamManagement(true);
                c.setUseStreamManagementResumption(true);
                yield c;
            }
        };
    }

    private <B extends ConnectionConfiguration.Builder<B, ?>> void common(B b, Credentials credentials, Resourcepart resource)
            throws XmppStringprepException {
        b.setXmppDomain(config.domain());
        if (address != null) {
            b.setHostAddress(address);
        } else {
            b.setHost(config.host());
        }
        b.setPort(config.port());
        b.setResource(resource);
        b.setSendPresence(false); // XmppConnection sends its own, with the person's status
        if (config.tls()) {
            b.setSecurityMode(SecurityMode.required);
            b.setSslContextFactory(() -> tls);
            if (trust != null) {
                b.setCustomX509TrustManager(trust);
            }
        } else {
            b.setSecurityMode(SecurityMode.disabled);
        }
        if (credentials.account() == null) {
            b.performSaslAnonymousAuthentication();
        } else {
            b.setUsernameAndPassword(credentials.account().getLocalpart(), credentials.password());
            b.addEnabledSaslMechanism(config.tls() ? MECHANISMS_TLS : MECHANISMS_PLAIN_TEXT);
        }
    }

    @Override
    public void close() {
        for (XmppConnection c : open) {
            c.close("Halley is shutting down");
        }
        // The executor is left alone: closing connections still deliver their last events on it.
    }

    /** Who logs in: an account and its password, or (account null) anonymously. */
    record Credentials(EntityBareJid account, String password) {
        @Override
        public String toString() {
            return "Credentials[account=" + (account == null ? "anonymous" : account) + ", password=***]";
        }
    }
}
