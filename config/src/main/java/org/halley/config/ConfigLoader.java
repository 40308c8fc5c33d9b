package org.halley.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.halley.config.ClusterConfig.ClusterNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads {@code halley.yaml}. Pure: no I/O beyond reading the one file, no logging.
 *
 * <pre>{@code
 * HalleyConfig config = ConfigLoader.load(Path.of("halley.yaml"));  // or ConfigException
 * }</pre>
 */
public final class ConfigLoader {
    /** 25 times a config with every key and its comments; stops a wrong path (a log file, /dev/zero) early. */
    static final int MAX_FILE_BYTES = 256 << 10;

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final Pattern HOSTNAME =
            Pattern.compile("(?i)[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*\\.?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]*:[0-9a-f:.]*");
    private static final Pattern NICK_TEMPLATE = Pattern.compile("[A-Za-z\\[\\]\\\\`_^{|}?][A-Za-z0-9\\[\\]\\\\`_^{|}?-]*");
    private static final Pattern FALLBACK_TEMPLATE =
            Pattern.compile("[A-Za-z0-9\\[\\]\\\\`_^{|}?-]*\\{nick}[A-Za-z0-9\\[\\]\\\\`_^{|}?-]*|[A-Za-z\\[\\]\\\\`_^{|}?][A-Za-z0-9\\[\\]\\\\`_^{|}?-]*");

    private ConfigLoader() {}

    /** Loads {@code file}; errors name it as given ({@code halley.yaml:14:5: ...}). */
    public static HalleyConfig load(Path file) throws ConfigException {
        return load(file, System.getenv());
    }

    /** Loads {@code file}, taking {@code ${NAME}} in values from {@code env}. */
    public static HalleyConfig load(Path file, Map<String, String> env) throws ConfigException {
        String label = file.toString();
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw fileError(label, "is a directory; give the path of a .yaml file");
            }
            if (Files.exists(file) && !Files.isRegularFile(file)) { // /dev/zero, a pipe: would be read forever
                throw fileError(label, "is not a regular file (a device or a pipe); give the path of a .yaml file");
            }
            try (java.io.InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1); // bounded even if the file grows while read
            }
            if (bytes.length > MAX_FILE_BYTES) {
                throw fileError(label, "is larger than " + (MAX_FILE_BYTES >> 10) + " KiB; is this the right file?");
            }
        } catch (NoSuchFileException e) {
            throw fileError(label, "no such file");
        } catch (IOException e) {
            throw fileError(label, "cannot read: " + e.getMessage());
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw fileError(label, "is not UTF-8 text");
        }
        return parse(label, text, env);
    }

    /** Parses YAML text; {@code label} names it in errors. */
    public static HalleyConfig parse(String label, String yaml) throws ConfigException {
        return parse(label, yaml, Map.of());
    }

    /** Parses YAML text, taking {@code ${NAME}} in values from {@code env}. */
    public static HalleyConfig parse(String label, String yaml, Map<String, String> env) throws ConfigException {
        Optional<Node> root = YamlSyntax.compose(label, yaml, new Problems(label, env));
        Problems problems = new Problems(label, env);
        if (root.isEmpty()) {
            throw fileError(label, "is empty; it needs at least a 'bridges:' list (see config/examples/demo.yaml)");
        }
        HalleyConfig config;
        try {
            config = new ConfigLoader.Reader(problems, label).root(YamlMap.of(problems, "", root.get()));
        } catch (RuntimeException | StackOverflowError e) { // a bug of ours; still no stack trace for the operator
            throw fileError(label, "could not be read (" + e.getClass().getSimpleName() + "); the mistakes above, if any,"
                    + " come first; please report this file");
        }
        if (!problems.isEmpty()) {
            throw problems.exception();
        }
        return config;
    }

    private static ConfigException fileError(String label, String message) {
        return new ConfigException(List.of(new ConfigError(label, 0, 0, "", message)));
    }

    /** One pass over one file; collects every mistake in {@link #problems}. */
    private record Reader(Problems problems, String label) {

        HalleyConfig root(YamlMap root) {
            ServerConfig server = server(root.map("server"));
            LimitsConfig limits = limits(root.map("limits"));
            List<BridgeConfig> bridges = bridges(root);
            ClusterConfig cluster = cluster(root.map("cluster"));
            AdminConfig admin = admin(root.map("admin"));
            LoggingConfig logging = logging(root.map("logging"));
            root.finish();
            return new HalleyConfig(label, server, limits, bridges, cluster, admin, logging);
        }

        ServerConfig server(YamlMap m) {
            String bind = m.get("bind").checked("127.0.0.1", ConfigLoader::hostProblem);
            int port = m.get("port").port(8080, true);
            Optional<TlsConfig> tls = tls(m.map("tls"));
            YamlValue urlValue = m.get("public-url");
            URI publicUrl = URI.create((tls.isPresent() ? "https" : "http") + "://localhost:" + (port == 0 ? 8080 : port));
            String url = urlValue.checked(null, ConfigLoader::urlProblem);
            if (url != null) {
                publicUrl = URI.create(url);
            }
            List<String> origins = m.get("allowed-origins")
                    .strings(List.of(origin(publicUrl)), ConfigLoader::originProblem)
                    .stream()
                    .map(o -> origin(URI.create(o)))
                    .toList();
            PushConfig push = push(m.map("push"));
            List<IpRange> proxies = m.get("trusted-proxies")
                    .strings(List.of(), ConfigLoader::ipRangeProblem)
                    .stream().map(IpRange::parse).toList();
            DrainConfig drain = drain(m.map("drain"));
            Duration probe = m.get("probe-interval").duration(Duration.ofSeconds(15), Duration.ofMillis(100), Duration.ofMinutes(10));
            m.finish();
            return new ServerConfig(bind, port, publicUrl, origins, push, proxies, tls, drain, probe);
        }

        DrainConfig drain(YamlMap m) {
            DrainConfig d = DrainConfig.DEFAULTS;
            Duration delay = m.get("delay").duration(d.delay(), Duration.ZERO, Duration.ofMinutes(5));
            YamlValue deadlineValue = m.get("deadline");
            Duration deadline = deadlineValue.duration(d.deadline(), Duration.ofSeconds(1), Duration.ofMinutes(30));
            if (deadline.compareTo(delay) <= 0) {
                deadlineValue.error(YamlValue.human(deadline) + " is not longer than delay (" + YamlValue.human(delay)
                        + "); the deadline counts from the signal, the delay included");
                deadline = delay.plus(d.deadline());
            }
            String quit = m.get("quit-message").checked(d.quitMessage(), ConfigLoader::textProblem);
            m.finish();
            return new DrainConfig(delay, deadline, quit);
        }

        AdminConfig admin(YamlMap m) {
            Optional<Secret> secret = Optional.ofNullable(m.get("secret").checked(null, ConfigLoader::apiSecretProblem))
                    .filter(v -> !v.isEmpty())
                    .map(Secret::new);
            boolean protectMetrics = m.get("protect-metrics").bool(false);
            if (protectMetrics && secret.isEmpty()) {
                m.get("protect-metrics").error("needs admin.secret: /metrics would ask for a token that does not exist");
            }
            m.finish();
            return new AdminConfig(secret, protectMetrics);
        }

        LoggingConfig logging(YamlMap m) {
            LoggingConfig d = LoggingConfig.DEFAULTS;
            LoggingConfig.Format format = m.get("format").oneOf(LoggingConfig.Format.class, d.format());
            LoggingConfig.Level level = m.get("level").oneOf(LoggingConfig.Level.class, d.level());
            m.finish();
            return new LoggingConfig(format, level);
        }

        Optional<TlsConfig> tls(YamlMap m) {
            if (!m.present()) {
                m.finish();
                return Optional.empty();
            }
            String cert = m.get("certificate").required();
            if (cert != null) {
                String problem = PemFiles.chainProblem(cert);
                if (problem != null) {
                    m.get("certificate").error(problem);
                    cert = null;
                }
            }
            String key = m.get("key").required();
            if (key != null) {
                String problem = cert == null ? pemProblem(key, "PRIVATE KEY") : PemFiles.keyProblem(key, cert);
                if (problem != null) {
                    m.get("key").error(problem);
                    key = null;
                }
            }
            m.finish();
            return cert == null || key == null ? Optional.empty() : Optional.of(new TlsConfig(Path.of(cert), Path.of(key)));
        }

        PushConfig push(YamlMap m) {
            PushConfig d = PushConfig.DEFAULTS;
            Duration heartbeat = m.get("heartbeat").duration(d.heartbeat(), Duration.ofMillis(100), Duration.ofMinutes(10));
            int maxMessage = (int) m.get("max-message-bytes").bytes(d.maxMessageBytes(), 256, 16 << 20);
            boolean compression = m.get("compression").bool(d.compression());
            int writeBuffer = (int) m.get("write-buffer-bytes").bytes(d.writeBufferBytes(), 1024, 16 << 20);
            Duration slow = m.get("slow-consumer-timeout").duration(d.slowConsumerTimeout(), Duration.ofMillis(100), Duration.ofMinutes(10));
            int streamMax = (int) m.get("stream-max-bytes").bytes(d.streamMaxBytes(), 4096, 1 << 30);
            int shards = m.get("shards").integer(d.shards(), 0, 1024);
            Optional<Secret> apiSecret = Optional.ofNullable(m.get("api-secret").checked(null, ConfigLoader::apiSecretProblem))
                    .filter(v -> !v.isEmpty())
                    .map(Secret::new);
            m.finish();
            return new PushConfig(heartbeat, maxMessage, compression, writeBuffer, slow, streamMax, shards, apiSecret);
        }

        LimitsConfig limits(YamlMap m) {
            LimitsConfig d = LimitsConfig.DEFAULTS;
            LimitsConfig limits = new LimitsConfig(
                    m.get("max-sessions").integer(d.maxSessions(), 1, 1_000_000),
                    m.get("sessions-per-ip").integer(d.sessionsPerIp(), 1, 1_000_000),
                    m.get("session-buffer-events").integer(d.sessionBufferEvents(), 1, 1_000_000),
                    m.get("session-buffer-bytes").bytes(d.sessionBufferBytes(), 1024, 1L << 30),
                    m.get("linger").duration(d.linger(), Duration.ZERO, Duration.ofDays(1)));
            m.finish();
            return limits;
        }

        List<BridgeConfig> bridges(YamlMap root) {
            if (!root.has("bridges")) {
                root.get("bridges").error("missing; list at least one network under 'bridges:' (see config/examples/demo.yaml)");
            }
            List<BridgeConfig> out = new ArrayList<>();
            Map<String, String> seen = new HashMap<>();
            if (root.get("bridges").emptyList()) {
                root.get("bridges").error("is empty; list at least one network");
            }
            for (YamlMap b : root.maps("bridges")) {
                BridgeConfig bridge = bridge(b);
                if (bridge == null) {
                    continue;
                }
                String first = seen.putIfAbsent(bridge.name(), b.path());
                if (first != null) {
                    b.get("name").error("'" + bridge.name() + "' is already the name of " + first + "; names must be unique");
                    continue;
                }
                out.add(bridge);
            }
            return out;
        }

        private static final List<String> IRC_KEYS = List.of(
                "server-password", "default-channels", "allowed-channels", "webirc-password", "ident", "realname",
                "quit-message", "ctcp-version", "admission", "reconnect", "flood");
        private static final List<String> XMPP_KEYS = List.of(
                "domain", "muc-service", "login", "default-rooms", "allowed-rooms", "ca-file", "ping-interval", "room-history");

        BridgeConfig bridge(YamlMap m) {
            if (!m.present()) {
                return null;
            }
            String name = m.get("name").required();
            if (name != null && !NAME.matcher(name).matches()) {
                m.get("name").error("'" + name + "' is not a valid name (lower-case letters, digits and '-', at most 32, like 'libera')");
                name = null;
            }
            YamlValue kindValue = m.get("kind");
            String kind = kindValue.required();
            if (kind != null && !kind.equals("irc") && !kind.equals("xmpp")) {
                kindValue.error("'" + kind + "' is not one of: irc, xmpp");
                kind = null;
            }
            String host = m.get("host").required();
            if (host != null) {
                String problem = hostProblem(host);
                if (problem != null) {
                    m.get("host").error(problem);
                }
            }
            boolean tls = m.get("tls").bool(true);
            BridgeConfig out = null;
            Map<String, String> hints = new HashMap<>();
            if ("irc".equals(kind)) {
                int port = m.get("port").port(tls ? 6697 : 6667, false);
                out = irc(m, name, host, port, tls);
                XMPP_KEYS.forEach(k -> hints.put(k, "only for kind: xmpp bridges; this one is kind: irc"));
            } else if ("xmpp".equals(kind)) {
                int port = m.get("port").port(5222, false);
                out = xmpp(m, name, host, port, tls);
                IRC_KEYS.forEach(k -> hints.put(k, "only for kind: irc bridges; this one is kind: xmpp"));
            } else {
                m.get("port");
                m.get("nick");
                IRC_KEYS.forEach(m::get);
                XMPP_KEYS.forEach(m::get);
            }
            m.finish(hints);
            return name == null || host == null ? null : out;
        }

        IrcBridgeConfig irc(YamlMap m, String name, String host, int port, boolean tls) {
            YamlValue caValue = m.get("ca-file"); // the key XMPP bridges use too; here it must exist at start-up
            Optional<Path> ca = Optional.ofNullable(caValue.checked(null, PemFiles::authoritiesProblem)).map(Path::of);
            if (ca.isPresent() && !tls) {
                caValue.error("only means something with tls: true");
            }
            Optional<Secret> serverPassword = m.get("server-password").string().filter(p -> !p.isEmpty()).map(Secret::new);
            List<String> defaults = m.get("default-channels").strings(List.of(), ConfigLoader::channelProblem);
            List<ChannelPattern> allowed = m.get("allowed-channels")
                    .strings(List.of("*"), ConfigLoader::globProblem)
                    .stream().map(ChannelPattern::new).toList();
            Optional<Secret> webirc = m.get("webirc-password")
                    .string()
                    .filter(p -> !p.isEmpty())
                    .map(Secret::new);
            NickRules nick = nick(m.map("nick"));
            String ident = m.get("ident").checked(IrcBridgeConfig.DEFAULT_IDENT, ConfigLoader::identProblem);
            String realname = m.get("realname").checked(IrcBridgeConfig.DEFAULT_REALNAME, ConfigLoader::realnameProblem);
            String quit = m.get("quit-message").checked(IrcBridgeConfig.DEFAULT_QUIT_MESSAGE, ConfigLoader::textProblem);
            String version = m.get("ctcp-version").checked(IrcBridgeConfig.DEFAULT_CTCP_VERSION, ConfigLoader::textProblem);
            AdmissionRules admission = admission(m.map("admission"));
            ReconnectRules reconnect = reconnect(m.map("reconnect"));
            FloodRules flood = flood(m.map("flood"));
            IrcBridgeConfig c = new IrcBridgeConfig(name == null ? "?" : name, host == null ? "?" : host, port, tls, ca,
                    serverPassword, defaults, allowed, webirc, nick, ident, realname, quit, version, admission, reconnect, flood);
            for (String ch : defaults) {
                if (!c.allowsChannel(ch)) {
                    m.get("default-channels").error("'" + ch + "' is not matched by allowed-channels " + c.allowedChannels());
                }
            }
            return c;
        }

        AdmissionRules admission(YamlMap m) {
            AdmissionRules d = AdmissionRules.DEFAULTS;
            AdmissionRules a = new AdmissionRules(
                    m.get("max-connections").integer(d.maxConnections(), 1, 1_000_000),
                    m.get("connections-per-ip").integer(d.connectionsPerIp(), 1, 1_000_000),
                    m.get("connect-interval").duration(d.connectInterval(), Duration.ZERO, Duration.ofMinutes(10)));
            m.finish();
            return a;
        }

        ReconnectRules reconnect(YamlMap m) {
            ReconnectRules d = ReconnectRules.DEFAULTS;
            Duration delay = m.get("delay").duration(d.delay(), Duration.ofMillis(100), Duration.ofHours(1));
            YamlValue maxValue = m.get("max-delay");
            Duration max = maxValue.duration(d.maxDelay(), Duration.ofMillis(100), Duration.ofDays(1));
            if (max.compareTo(delay) < 0) {
                maxValue.error(YamlValue.human(max) + " is shorter than delay (" + YamlValue.human(delay) + ")");
                max = delay;
            }
            m.finish();
            return new ReconnectRules(delay, max);
        }

        FloodRules flood(YamlMap m) {
            FloodRules d = FloodRules.DEFAULTS;
            FloodRules f = new FloodRules(
                    m.get("burst").integer(d.burst(), 1, 1000),
                    m.get("interval").duration(d.interval(), Duration.ZERO, Duration.ofMinutes(1)));
            m.finish();
            return f;
        }

        NickRules nick(YamlMap m) {
            NickRules d = NickRules.DEFAULTS;
            String defaultNick = m.get("default").checked(d.defaultNick(), v -> NICK_TEMPLATE.matcher(v).matches()
                    ? null
                    : "'" + v + "' is not a nick template (letters, digits, []\\`_^{|}- and ? for a random digit)");
            List<String> fallbacks = m.get("fallback").strings(d.fallbacks(), v -> FALLBACK_TEMPLATE.matcher(v).matches()
                    ? null
                    : "'" + v + "' is not a fallback template (like {nick}_ or {nick}??)");
            int maxLength = m.get("max-length").integer(d.maxLength(), 1, 64);
            m.finish();
            return new NickRules(defaultNick, fallbacks, maxLength);
        }

        XmppBridgeConfig xmpp(YamlMap m, String name, String host, int port, boolean tls) {
            String domain = m.get("domain").required();
            if (domain != null && hostProblem(domain) != null) {
                m.get("domain").error("'" + domain + "' is not a domain name (like example.org)");
                domain = null;
            }
            String muc = m.get("muc-service").checked(
                    domain == null ? "conference.invalid" : "conference." + domain, ConfigLoader::hostProblem);
            XmppLogin login = m.get("login").oneOf(XmppLogin.class, XmppLogin.ACCOUNT);
            List<String> rooms = m.get("default-rooms").strings(List.of(), ConfigLoader::roomProblem);
            List<ChannelPattern> allowed = m.get("allowed-rooms")
                    .strings(List.of("*"), ConfigLoader::globProblem)
                    .stream().map(ChannelPattern::new).toList();
            Optional<Path> caFile = Optional.ofNullable(m.get("ca-file").checked(null,
                    v -> pathProblem(v) != null ? pathProblem(v) : PemFiles.authoritiesProblem(v))).map(Path::of);
            Duration ping = m.get("ping-interval").duration(
                    XmppBridgeConfig.DEFAULT_PING_INTERVAL, Duration.ofSeconds(5), Duration.ofHours(1));
            int history = m.get("room-history").integer(XmppBridgeConfig.DEFAULT_ROOM_HISTORY, 0, 1000);
            NickRules nick = nick(m.map("nick"));
            XmppBridgeConfig c = new XmppBridgeConfig(name == null ? "?" : name, host == null ? "?" : host, port, tls,
                    domain == null ? "invalid" : domain, muc, login, rooms, allowed, caFile, ping, history, nick);
            for (String r : rooms) {
                if (!c.allowsRoom(c.roomJid(r))) {
                    m.get("default-rooms").error("'" + r + "' (" + c.roomJid(r) + ") is not matched by allowed-rooms " + c.allowedRooms());
                }
            }
            return c;
        }

        ClusterConfig cluster(YamlMap m) {
            if (!m.present()) {
                m.finish();
                return ClusterConfig.SINGLE;
            }
            String node = m.get("node").required();
            List<ClusterNode> nodes = new ArrayList<>();
            Map<String, String> seen = new HashMap<>();
            if (!m.has("nodes")) {
                m.get("nodes").error("missing; list every node (name and address), the same list on every node");
            }
            for (YamlMap n : m.maps("nodes")) {
                String name = n.get("name").required();
                if (name != null && !NAME.matcher(name).matches()) {
                    n.get("name").error("'" + name + "' is not a valid node name (lower-case letters, digits and '-', at most 32)");
                    name = null;
                }
                String address = n.get("address").required();
                if (address != null) {
                    String problem = addressProblem(address);
                    if (problem != null) {
                        n.get("address").error(problem);
                        address = null;
                    }
                }
                n.finish();
                if (name != null && seen.putIfAbsent(name, n.path()) != null) {
                    n.get("name").error("'" + name + "' is already the name of " + seen.get(name) + "; names must be unique");
                    continue;
                }
                if (name != null && address != null) {
                    nodes.add(new ClusterNode(name, address));
                }
            }
            m.finish();
            if (node == null || nodes.isEmpty()) {
                return ClusterConfig.SINGLE;
            }
            if (!seen.containsKey(node)) {
                m.get("node").error("'" + node + "' is not one of the nodes (" + String.join(", ", seen.keySet().stream().sorted().toList()) + ")");
                return ClusterConfig.SINGLE;
            }
            if (nodes.size() != seen.size()) {
                return ClusterConfig.SINGLE; // a node was wrong and reported; the result is thrown away
            }
            return new ClusterConfig(node, nodes);
        }
    }

    static String hostProblem(String host) {
        if (HOSTNAME.matcher(host).matches() || IPV4.matcher(host).matches()
                || (host.contains(":") && IPV6.matcher(host).matches())) {
            return null;
        }
        return "'" + host + "' is not a host name or IP address";
    }

    static String addressProblem(String address) {
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return "'" + address + "' is not host:port";
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (hostProblem(host) != null) {
            return "'" + address + "' is not host:port (bad host)";
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            if (port < 1 || port > 65535) {
                return "'" + address + "' is not host:port (port is 1-65535)";
            }
        } catch (NumberFormatException e) {
            return "'" + address + "' is not host:port (bad port)";
        }
        return null;
    }

    static String apiSecretProblem(String secret) {
        if (secret.isEmpty()) {
            return null; // the API is off
        }
        if (secret.length() < 16) {
            return "is too short to be a secret (at least 16 characters; e.g. `openssl rand -base64 24`)";
        }
        for (int i = 0; i < secret.length(); i++) {
            char c = secret.charAt(i);
            if (c <= ' ' || c >= 0x7f) {
                return "must be printable ASCII without spaces (it travels in an HTTP header)";
            }
        }
        return null;
    }

    static String urlProblem(String url) {
        try {
            URI u = new URI(url);
            if (!"http".equalsIgnoreCase(u.getScheme()) && !"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                return "'" + url + "' is not an http:// or https:// URL with a host";
            }
            if (u.getQuery() != null || u.getFragment() != null) {
                return "'" + url + "' must not have a query or fragment";
            }
            return null;
        } catch (URISyntaxException e) {
            return "'" + url + "' is not a URL: " + e.getReason();
        }
    }

    static String originProblem(String origin) {
        if (origin.equals("*")) {
            return "'*' would let any web site open sessions in its visitors' names; list the origins (scheme://host[:port])";
        }
        String problem = urlProblem(origin);
        if (problem != null) {
            return "'" + origin + "' is not an origin (scheme://host[:port], like https://chat.example.org)";
        }
        URI u = URI.create(origin);
        if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
            return "'" + origin + "' has a path; an origin is only scheme://host[:port]";
        }
        return null;
    }

    /** {@code scheme://host[:port]}, lower case, without the scheme's default port. */
    static String origin(URI u) {
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int port = u.getPort();
        boolean defaultPort = port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
    }

    static String channelProblem(String channel) {
        if (channel.length() < 2 || channel.length() > 50 || "#&+!".indexOf(channel.charAt(0)) < 0) {
            return "'" + channel + "' is not a channel name (starts with #, & , + or !; 2-50 characters; quote it: \"#chan\")";
        }
        for (int i = 0; i < channel.length(); i++) {
            char c = channel.charAt(i);
            if (c <= ' ' || c == ',' || c == ':' || c == 0x7f || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                return "'" + channel + "' is not a channel name (no spaces, commas, colons or control characters)";
            }
        }
        return null;
    }

    static String globProblem(String glob) {
        if (glob.isEmpty() || glob.length() > 200) {
            return "'" + glob + "' is not a pattern (1-200 characters; * and ? are wildcards)";
        }
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c <= ' ' || c == ',' || c == 0x7f) {
                return "'" + glob + "' is not a pattern (no spaces, commas or control characters)";
            }
        }
        return null;
    }

    static String roomProblem(String room) {
        if (room.isEmpty() || room.length() > 200) {
            return "'" + room + "' is not a room (1-200 characters: name or name@service)";
        }
        for (int i = 0; i < room.length(); i++) {
            char c = room.charAt(i);
            if (c <= ' ' || c == 0x7f || "\"&'/:<>".indexOf(c) >= 0) {
                return "'" + room + "' is not a room (no spaces, control characters or \"&'/:<>)";
            }
        }
        return null;
    }

    static String ipRangeProblem(String text) {
        try {
            IpRange.parse(text);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Checks that a file named in the config can be read now, so a typo stops start-up. */
    static String readableFileProblem(String file) {
        Path p = Path.of(file);
        if (!Files.isRegularFile(p)) {
            return "'" + file + "' is not a file" + (p.isAbsolute() ? "" : " (relative to " + Path.of("").toAbsolutePath() + ")");
        }
        if (!Files.isReadable(p)) {
            return "'" + file + "' cannot be read by this user";
        }
        return null;
    }

    /**
     * Checks that {@code file} is a readable PEM file whose first block is {@code label} (the key:
     * unencrypted PKCS#8, which the JDK reads without extra libraries), so a wrong file stops
     * start-up with its position rather than failing at the first TLS handshake.
     */
    static String pemProblem(String file, String label) {
        String problem = readableFileProblem(file);
        if (problem != null) {
            return problem;
        }
        String head;
        try (java.io.InputStream in = Files.newInputStream(Path.of(file))) {
            head = new String(in.readNBytes(64 * 1024), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "'" + file + "' cannot be read: " + e.getMessage();
        }
        java.util.regex.Matcher m = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----").matcher(head);
        if (!m.find()) {
            return "'" + file + "' is not a PEM file (no -----BEGIN " + label + "----- line)";
        }
        String found = m.group(1);
        if (found.equals(label)) {
            return null;
        }
        if (label.equals("PRIVATE KEY") && (found.equals("RSA PRIVATE KEY") || found.equals("EC PRIVATE KEY"))) {
            return "'" + file + "' holds a traditional-format key (" + found + "); Halley reads PKCS#8: convert it with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem`";
        }
        if (label.equals("PRIVATE KEY") && found.equals("ENCRYPTED PRIVATE KEY")) {
            return "'" + file + "' is encrypted; give the unencrypted PKCS#8 key (`openssl pkcs8 -topk8 -nocrypt`) "
                    + "and let only Halley's user read it";
        }
        return "'" + file + "' holds a " + found + " block, not a " + label;
    }

    private static final Pattern IDENT_TEMPLATE = Pattern.compile("([A-Za-z0-9_.-]|\\{hex-ip})+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

    static String identProblem(String ident) {
        if (!IDENT_TEMPLATE.matcher(ident).matches() || ident.replace("{hex-ip}", "12345678").length() > 10) {
            return "'" + ident + "' is not an ident template (letters, digits, '-', '_', '.' and {hex-ip}; "
                    + "at most 10 characters once {hex-ip} is 8)";
        }
        return null;
    }

    static String realnameProblem(String realname) {
        String p = textProblem(realname);
        if (p != null) {
            return p;
        }
        if (realname.isBlank()) {
            return "is empty";
        }
        java.util.regex.Matcher m = PLACEHOLDER.matcher(realname);
        while (m.find()) {
            if (!List.of("nick", "ip", "host").contains(m.group(1))) {
                return "{" + m.group(1) + "} is not one of {nick}, {ip}, {host}";
            }
        }
        return null;
    }

    static String pathProblem(String path) {
        if (path.isEmpty() || path.length() > 4096 || path.indexOf(0) >= 0) {
            return "'" + path + "' is not a file path";
        }
        return null;
    }

    static String textProblem(String text) {
        if (text.length() > 200) {
            return "is longer than 200 characters";
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return "contains a control character (\\u" + String.format("%04x", (int) text.charAt(i)) + ")";
            }
        }
        return null;
    }
}
