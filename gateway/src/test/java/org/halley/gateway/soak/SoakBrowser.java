package org.halley.gateway.soak;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated browser, written from docs/protocol.md as halley.js behaves: it creates its
 * session through the load balancer, holds one downstream connection on its transport, resumes
 * with {@code last} after every end, resends unacknowledged client messages (numbered by
 * {@code cseq}), starts a new session after 403/4403 (an explicit reset) and reconnects its
 * networks then. It is in one IRC channel and one XMPP room with the other browsers of its group,
 * says a numbered line now and then on each network (one at a time: the next after the previous
 * came back as its own {@code self} message or as a {@code problem}), and records everything the
 * verdict needs: what it sent and how that ended, every chat message received, when it was in its
 * channel and room (by the gateway's clock), and how long it took to recover from each fault.
 *
 * <p>Threads: Netty's loops (its connections), the HTTP client's threads (POSTs) and the soak's
 * scheduler all call in; every method that touches state is synchronized on the browser.
 */
final class SoakBrowser {
    static final String TEXT = "soak ";
    /** Answers that mean the session is gone for good (docs/protocol.md): create a new one. */
    static final Set<Integer> GONE = Set.of(403, 4403, 410, 4410, 421, 4421);
    /** Problems about (re)connecting, not about a line said. */
    static final Set<String> CONNECT_PROBLEMS = Set.of("nick-in-use", "bad-nick", "already-connected", "quota", "sasl-failed",
            "sasl-unavailable", "tls-failed", "tls-required", "no-such-server", "bad-password");

    /** How a line this browser said ended. */
    enum Outcome { PENDING, ACCEPTED, REJECTED, UNCONFIRMED }

    /** One line said on a network: its number, outcome and (if accepted) the gateway's time of its echo. */
    static final class Said {
        final String network;
        final long k;
        Outcome outcome = Outcome.PENDING;
        String code = "";
        Instant echoed;
        final long sentNanos = System.nanoTime();

        Said(String network, long k) {
            this.network = network;
            this.k = k;
        }
    }

    /** A time this browser was in its channel (IRC) or room (XMPP): from its own join to its loss, by the gateway's clock. */
    record Membership(Instant from, Instant to) {}

    /** One network's view, for this browser. */
    final class Net {
        final String name;
        final String target;
        String state = "none"; // none, connected, down
        boolean joined;
        Instant joinedAt;
        long downNanos = -1;
        long k;
        Said pending;
        final List<Said> said = new ArrayList<>();
        final List<Membership> memberships = new ArrayList<>();
        /** Live messages received: sender id to the numbers, in arrival order. */
        final Map<Integer, List<Long>> live = new HashMap<>();
        final Map<Integer, Set<Long>> liveSet = new HashMap<>();
        final Map<Integer, Set<Long>> history = new HashMap<>();
        long received;
        long historyReceived;
        long duplicates;
        long reordered;

        Net(String name, String target) {
            this.name = name;
            this.target = target;
        }

        void endMembership(Instant at) {
            if (joined && joinedAt != null && at != null) {
                memberships.add(new Membership(joinedAt, at));
            }
            joined = false;
        }
    }

    final Soak soak;
    final int id;
    final int group;
    final String nick;
    final SoakTransport initial;
    final Net irc;
    final Net xmpp;
    private final String source;

    private SoakTransport transport;
    private String session;
    private String token;
    private long heartbeat = 25_000;
    private long last;
    private long nextCseq = 1;
    private final ArrayDeque<ObjectNode> outbox = new ArrayDeque<>();
    private boolean posting;
    private SoakConnection conn;
    private int quickEnds;
    private int createFailures;
    private boolean creating;
    private Instant lastEventTime;
    private boolean stopped;
    private boolean goingAway;
    /** A fault being recovered from: its kind and when the browser saw it. */
    private String recovering;
    private long recoveringSince;
    private long lastEndNanos = System.nanoTime();

    // counters
    /** A Chromium page's listener ({@link SoakPage}): fed the page's events, says nothing. */
    boolean listenOnly;
    int sessionsCreated;
    int renewals;
    int movedAway;
    int resets;
    int cuts;
    int transportSwitches;
    int connections;
    int stalls;
    long events;
    long pushDuplicatesIgnored;
    long seqGaps;
    long lateEchoes;
    final Map<String, Integer> problems = new HashMap<>();
    final Set<SoakTransport> transportsUsed = new HashSet<>();

    SoakBrowser(Soak soak, int id, int group, SoakTransport transport, String source) {
        this.soak = soak;
        this.id = id;
        this.group = group;
        this.nick = "sk" + id;
        this.initial = transport;
        this.transport = transport;
        this.source = source;
        this.irc = new Net("irc", SoakCluster.CHANNEL_PREFIX + group);
        this.xmpp = new Net("xmpp", SoakCluster.ROOM_PREFIX + group + "@" + org.halley.testkit.ProsodyFixture.MUC);
    }

    @Override
    public String toString() {
        return (listenOnly ? "chromium page " : "browser ") + id + " (" + initial.wireName + ")";
    }

    synchronized String sessionId() {
        return session;
    }

    synchronized String token() {
        return token;
    }

    synchronized long last() {
        return last;
    }

    synchronized long heartbeatMillis() {
        return heartbeat;
    }

    synchronized boolean inBoth() {
        if (listenOnly) {
            return irc.joined;
        }
        return irc.joined && xmpp.joined && conn != null && conn.hello;
    }

    synchronized boolean connected() {
        return conn != null && conn.hello;
    }

    synchronized SoakTransport transport() {
        return transport;
    }

    // ---- sessions ----

    /** Creates a session through the load balancer (again after a reset), then connects. */
    synchronized void start() {
        if (creating || stopped) {
            return;
        }
        creating = true;
        HttpRequest req = HttpRequest.newBuilder(URI.create(soak.url + "/push/session")).header("Origin", soak.url)
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        soak.http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> created(r, e));
    }

    private synchronized void created(HttpResponse<String> r, Throwable e) {
        creating = false;
        if (stopped) {
            return;
        }
        if (e != null || r.statusCode() != 201) {
            createFailures++;
            long wait = Math.min(5000, 250L << Math.min(5, createFailures));
            soak.schedule(this::start, jitter(wait));
            return;
        }
        try {
            JsonNode n = SoakConnection.JSON.readTree(r.body());
            if (session != null) {
                renewals++;
                // the old session is gone (its node drained): recovered once the new one is back in both networks
                recovering = "new-session";
                recoveringSince = lastEndNanos;
            }
            session = n.get("session").asText();
            token = n.get("token").asText();
            heartbeat = n.path("heartbeat").asLong(25_000);
        } catch (IOException ex) {
            soak.failure(this + ": session answer is not JSON: " + r.body());
            return;
        }
        sessionsCreated++;
        createFailures = 0;
        goingAway = false;
        last = 0;
        nextCseq = 1;
        outbox.clear();
        posting = false;
        for (Net net : List.of(irc, xmpp)) {
            if (net.pending != null) {
                settle(net, Outcome.UNCONFIRMED, "session-reset", null);
            }
            net.endMembership(lastEventTime != null ? lastEventTime : Instant.now());
            net.state = "none";
        }
        send(connectOp(irc));
        send(connectOp(xmpp));
        connect();
    }

    private ObjectNode connectOp(Net net) {
        ObjectNode op = SoakConnection.JSON.createObjectNode().put("op", "connect").put("network", net.name).put("nick", nick);
        op.putArray("channels").add(net.target);
        return op;
    }

    private void connect() {
        if (stopped || session == null) {
            return;
        }
        if (conn != null) {
            // A new session while the old one's connection still stands (its POST found the session
            // gone): the old connection ends, as a page ends its transport before it starts anew.
            SoakConnection old = conn;
            conn = null;
            old.abort();
        }
        connections++;
        transportsUsed.add(transport);
        conn = new SoakConnection(this, transport, soak.lb, soak.url);
        conn.open(soak.group, source, session, token, last);
    }

    /** The harness cuts this browser's connection (a TCP reset); sometimes the browser comes back on another transport. */
    synchronized boolean cut(boolean switchTransport) {
        if (conn == null || !conn.hello || stopped) {
            return false;
        }
        cuts++;
        if (recovering == null) {
            recovering = "cut";
            recoveringSince = System.nanoTime();
        }
        if (switchTransport) {
            SoakTransport[] all = SoakTransport.values();
            SoakTransport next = all[ThreadLocalRandom.current().nextInt(all.length)];
            if (next != transport) {
                transport = next;
                transportSwitches++;
            }
        }
        conn.abort();
        return true;
    }

    /** How a connection ended (close code or HTTP status, 0 for neither). On the connection's loop. */
    synchronized void ended(SoakConnection c, int code) {
        if (c != conn || stopped) {
            return;
        }
        conn = null;
        boolean hadHello = c.hello;
        if (hadHello) {
            lastEndNanos = System.nanoTime();
        }
        if (goingAway || GONE.contains(code)) {
            goingAway = false;
            start(); // the session is gone (its node drained or restarted): a new one, an explicit reset
            return;
        }
        if (code == 4001) {
            soak.failure(this + ": the server ended the session (4001) though nobody closed it");
            start();
            return;
        }
        if (hadHello) {
            quickEnds = !c.aborted() && System.nanoTime() - c.openedNanos < 2_000_000_000L ? quickEnds + 1 : 0;
            long wait = quickEnds == 0 ? ThreadLocalRandom.current().nextLong(5, 50) : jitter(Math.min(5000, 250L << Math.min(5, quickEnds)));
            soak.schedule(this::reconnect, wait);
        } else {
            probe(); // ended before its hello: is the session gone, or is the transport failing?
        }
    }

    private synchronized void reconnect() {
        if (conn == null && !creating) {
            connect();
        }
    }

    /** POST /push/send with [] after a connection that never said hello: 403 means the session is gone. */
    private void probe() {
        String s = session;
        soak.http.sendAsync(post(s, token, "[]"), HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
            synchronized (this) {
                if (!s.equals(session) || stopped) {
                    return;
                }
                if (e == null && GONE.contains(r.statusCode())) {
                    start();
                } else {
                    quickEnds++;
                    soak.schedule(this::reconnect, jitter(Math.min(5000, 250L << Math.min(5, quickEnds))));
                }
            }
        });
    }

    /** The watchdog: a connection silent for 2.5 heartbeats, or without a hello for 10 s, is taken for dead. */
    synchronized void checkAlive() {
        SoakConnection c = conn;
        if (c == null || stopped) {
            return;
        }
        long now = System.nanoTime();
        boolean dead = c.hello ? now - c.lastReceivedNanos > heartbeat * 2_500_000L : now - c.openedNanos > 10_000_000_000L;
        if (dead) {
            stalls++;
            c.abort();
        }
    }

    // ---- client messages ----

    private void send(ObjectNode data) {
        ObjectNode m = SoakConnection.JSON.createObjectNode().put("cseq", nextCseq++);
        m.set("data", data);
        outbox.add(m);
        flush();
    }

    private void flush() {
        if (outbox.isEmpty() || session == null) {
            return;
        }
        if (transport == SoakTransport.WEBSOCKET) {
            if (conn != null && conn.transport == SoakTransport.WEBSOCKET) {
                conn.sendText(outbox.size() == 1 ? outbox.peekFirst().toString() : SoakConnection.JSON.valueToTree(outbox).toString());
            }
            return; // otherwise the next hello sends them
        }
        if (posting) {
            return;
        }
        posting = true;
        String s = session;
        soak.http.sendAsync(post(s, token, SoakConnection.JSON.valueToTree(outbox).toString()), HttpResponse.BodyHandlers.ofString())
                .whenComplete((r, e) -> posted(s, r, e));
    }

    private synchronized void posted(String s, HttpResponse<String> r, Throwable e) {
        if (!s.equals(session)) {
            return; // answered for an old session
        }
        posting = false;
        if (e == null && r.statusCode() == 200) {
            try {
                acked(SoakConnection.JSON.readTree(r.body()).path("ack").asLong());
            } catch (IOException ex) {
                soak.failure(this + ": POST /push/send answer is not JSON: " + r.body());
            }
            flush();
        } else if (e == null && GONE.contains(r.statusCode())) {
            start();
        } else {
            soak.schedule(() -> {
                synchronized (this) {
                    if (s.equals(session)) {
                        flush();
                    }
                }
            }, jitter(1000));
        }
    }

    private HttpRequest post(String s, String t, String body) {
        return HttpRequest.newBuilder(URI.create(soak.url + "/push/send?session=" + s)).header("X-Halley-Token", t)
                .header("Origin", soak.url).header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private void acked(long ack) {
        while (!outbox.isEmpty() && outbox.peekFirst().get("cseq").asLong() <= ack) {
            outbox.removeFirst();
        }
    }

    // ---- chatting ----

    /** Says the next numbered line on one network, unless one is still on its way or the browser is (re)joining. */
    synchronized void chat(boolean onIrc) {
        if (listenOnly) {
            return;
        }
        Net net = onIrc ? irc : xmpp;
        if (stopped || session == null || net.pending != null || net.state.equals("none") || net.state.equals("connected") && !net.joined) {
            return;
        }
        Said s = new Said(net.name, ++net.k);
        net.pending = s;
        net.said.add(s);
        String text = TEXT + id + " " + s.k + " " + "x".repeat(ThreadLocalRandom.current().nextInt(10, 60));
        send(SoakConnection.JSON.createObjectNode().put("op", "say").put("network", net.name).put("target", net.target).put("text", text));
    }

    /** A line still unanswered after {@code timeoutNanos} is unconfirmed (its network went away unseen). */
    synchronized void expirePending(long timeoutNanos) {
        for (Net net : List.of(irc, xmpp)) {
            if (net.pending != null && System.nanoTime() - net.pending.sentNanos > timeoutNanos) {
                settle(net, Outcome.UNCONFIRMED, "no-answer", null);
            }
        }
    }

    private void settle(Net net, Outcome o, String code, Instant echoed) {
        net.pending.outcome = o;
        net.pending.code = code;
        net.pending.echoed = echoed;
        net.pending = null;
    }

    // ---- server messages ----

    synchronized void received(SoakConnection c, String json) {
        if (c != conn) {
            return;
        }
        JsonNode m;
        try {
            m = SoakConnection.JSON.readTree(json);
        } catch (IOException e) {
            soak.failure(this + ": not JSON from the server: " + json);
            return;
        }
        String type = m.path("type").asText();
        if (m.has("seq") && type.isEmpty()) {
            long seq = m.get("seq").asLong();
            if (seq <= last) {
                pushDuplicatesIgnored++;
                return;
            }
            if (seq != last + 1) {
                seqGaps++;
                soak.failure(this + ": event " + seq + " after " + last + " on " + c.transport.wireName + " without a reset");
            }
            last = seq;
            events++;
            event(m.get("event"));
            return;
        }
        switch (type) {
            case "hello" -> {
                acked(m.path("ack").asLong());
                if (recovering != null && recovering.equals("cut")) {
                    soak.recovered("cut", System.nanoTime() - recoveringSince);
                    recovering = null;
                }
                if (transport == SoakTransport.WEBSOCKET && !outbox.isEmpty()) {
                    c.sendText(SoakConnection.JSON.valueToTree(outbox).toString());
                } else {
                    flush();
                }
            }
            case "ack" -> acked(m.path("ack").asLong());
            case "reset" -> {
                resets++;
                last = m.path("seq").asLong();
                Instant at = lastEventTime != null ? lastEventTime : Instant.now();
                for (Net net : List.of(irc, xmpp)) {
                    if (net.joined) { // missed events: the membership is judged only up to here and again from the next event
                        net.endMembership(at);
                        net.joined = true;
                        net.joinedAt = null;
                    }
                }
            }
            case "close" -> soak.failure(this + ": session closed by the server: " + m.path("reason").asText());
            case "going-away" -> {
                goingAway = true; // a planned move: a new session at once
                movedAway++;
                c.abort();
            }
            case "hb" -> {
                // nothing
            }
            case "replaced" -> soak.failure(this + ": replaced: a second connection took this browser's session over");
            default -> soak.failure(this + ": unknown server message " + json);
        }
    }

    void event(JsonNode e) {
        String type = e.path("type").asText();
        Net net = "irc".equals(e.path("network").asText()) ? irc : "xmpp".equals(e.path("network").asText()) ? xmpp : null;
        Instant time = e.has("time") ? Instant.parse(e.get("time").asText()) : null;
        if (time != null) {
            lastEventTime = time;
            for (Net n : List.of(irc, xmpp)) {
                if (n.joined && n.joinedAt == null) {
                    n.joinedAt = time; // after a reset: judged again from here
                }
            }
        }
        if (net == null) {
            return;
        }
        switch (type) {
            case "connected" -> net.state = "connected";
            case "disconnected" -> {
                net.endMembership(time);
                net.state = "down";
                if (net.downNanos < 0) {
                    net.downNanos = System.nanoTime();
                }
            }
            case "joined" -> {
                if (e.path("self").asBoolean() && e.path("channel").asText().equalsIgnoreCase(net.target)) {
                    net.joined = true;
                    net.joinedAt = time;
                    if (net.downNanos >= 0) {
                        soak.recovered(net.name + "-restart", System.nanoTime() - net.downNanos);
                        net.downNanos = -1;
                    }
                    if ("new-session".equals(recovering) && irc.joined && xmpp.joined) {
                        soak.recovered("new-session", System.nanoTime() - recoveringSince);
                        recovering = null;
                    }
                }
            }
            case "problem" -> {
                problems.merge(net.name + ":" + e.path("code").asText(), 1, Integer::sum);
                if (net.pending != null && !CONNECT_PROBLEMS.contains(e.path("code").asText())) {
                    settle(net, Outcome.REJECTED, e.path("code").asText(), null);
                }
            }
            case "message" -> message(net, e, time);
            default -> {
                // members, topic, presence, quit...: not judged
            }
        }
    }

    private void message(Net net, JsonNode e, Instant time) {
        String text = e.path("text").asText();
        if (!text.startsWith(TEXT)) {
            return;
        }
        String[] f = text.split(" ");
        int from = Integer.parseInt(f[1]);
        long k = Long.parseLong(f[2]);
        if (e.path("self").asBoolean()) {
            if (from == id && net.pending != null && net.pending.k == k) {
                settle(net, Outcome.ACCEPTED, "", time);
            } else if (from == id && !e.path("history").asBoolean() && k >= 1 && k <= net.said.size()
                    && net.said.get((int) k - 1).outcome != Outcome.ACCEPTED) {
                Said late = net.said.get((int) k - 1); // its answer came after we gave up on it, or after an unrelated problem
                late.outcome = Outcome.ACCEPTED;
                late.echoed = time;
                lateEchoes++;
            } else if (from == id && !e.path("history").asBoolean()) {
                soak.failure(this + ": own " + net.name + " line " + k + " came back twice");
            }
            return;
        }
        if (e.path("history").asBoolean()) {
            net.historyReceived++;
            net.history.computeIfAbsent(from, x -> new HashSet<>()).add(k);
            return;
        }
        net.received++;
        if (!net.liveSet.computeIfAbsent(from, x -> new HashSet<>()).add(k)) {
            net.duplicates++;
            soak.failure(this + ": " + net.name + " line " + k + " of browser " + from + " received twice");
            return;
        }
        List<Long> seen = net.live.computeIfAbsent(from, x -> new ArrayList<>());
        if (!seen.isEmpty() && seen.get(seen.size() - 1) > k) {
            net.reordered++;
            soak.failure(this + ": " + net.name + " line " + k + " of browser " + from + " after line " + seen.get(seen.size() - 1));
        }
        seen.add(k);
    }

    /** An event the Chromium page's client received (its own seq checks are halley.js's). */
    synchronized void pageEvent(JsonNode e) {
        events++;
        event(e);
    }

    /** The page's client reported a reset: renewed (a new session, e.g. after a drain) or events lost (a reset message). */
    synchronized void pageReset(boolean renewed) {
        Instant at = lastEventTime != null ? lastEventTime : Instant.now();
        if (renewed) {
            renewals++;
            sessionsCreated++;
            for (Net net : List.of(irc, xmpp)) {
                net.endMembership(at);
                net.state = "none";
            }
            return;
        }
        resets++;
        for (Net net : List.of(irc, xmpp)) {
            if (net.joined) {
                net.endMembership(at);
                net.joined = true;
                net.joinedAt = null;
            }
        }
    }

    /** Stops: no more reconnects; the current connection is closed; memberships end at {@code at}. */
    synchronized void stop(Instant at) {
        stopped = true;
        for (Net net : List.of(irc, xmpp)) {
            net.endMembership(at);
            if (net.pending != null) {
                settle(net, Outcome.UNCONFIRMED, "stopped", null);
            }
        }
        if (conn != null) {
            conn.abort();
        }
    }

    /** Ends the session on the server (POST /push/close), so its networks are left at once. */
    void close() {
        String s;
        String t;
        synchronized (this) {
            s = session;
            t = token;
        }
        if (s != null) {
            try {
                soak.http.send(HttpRequest.newBuilder(URI.create(soak.url + "/push/close?session=" + s)).header("X-Halley-Token", t)
                        .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException e) {
                // the node may be gone; its sessions end with it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static long jitter(long millis) {
        return Math.max(1, (long) (millis * (0.5 + ThreadLocalRandom.current().nextDouble())));
    }

    static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
