package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.halley.push.client.HalleyPushClient;
import org.halley.testkit.BrowserFixture;
import org.halley.testkit.Closing;
import org.halley.testkit.HaproxyFixture;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.PrometheusText;
import org.halley.testkit.RawIrcClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The share-nothing cluster as deploy/ ships it, with real parts only: ngircd, three Halley
 * processes (the real jar) and HAProxy running deploy/haproxy/haproxy.cfg; three people in
 * headless Chromium on the chat page (over WebSocket, XHR streaming and long polling), a plain IRC
 * client in their channel, protocol-level WebSocket sessions, and an application pushing with
 * {@link HalleyPushClient}: sessions spread and stay on their node; pushes to users find their
 * node; a node is killed and only its people move, within seconds; a node comes back and takes
 * new sessions; a node is drained with SIGTERM: it goes not ready, HAProxy sends new sessions
 * elsewhere, and its people move without an error on their page. Every node's /metrics is scraped
 * and parsed along the way. Each test has a cluster of its own (about a minute to start on a
 * loaded machine), since three of them kill, restart or drain a node: any order works.
 */
class ClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String CHANNEL = "#cluster";
    private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static NgircdFixture irc;
    private static HalleyCluster cluster;
    private static RawIrcClient watcher;
    private static HalleyPushClient push;
    /** The test's people, if it has them ({@link #arrive()}). */
    private static final List<Person> people = new ArrayList<>();
    /** One protocol-level WebSocket session on each node, held through the test. */
    private static final Map<String, PushProbe> probes = new TreeMap<>();
    /** Sessions made while looking for a probe on each node, then left to linger. */
    private static final List<String> strays = new ArrayList<>();
    /** Longer than HAProxy's check interval times its fall count (2 s x 2), with a margin for a loaded machine. */
    private static final Duration DRAIN_DELAY = Duration.ofSeconds(8);

    /** Someone in Chromium on the chat page, through the load balancer. */
    record Person(String nick, String transport, BrowserFixture browser, ChatPage page) {
        String session() {
            watch();
            return (String) page.js("return window.halleyClient.session && window.halleyClient.session.session");
        }

        String node() {
            return HalleyCluster.nodeOf(session());
        }

        /** Records resets, link states and event types of the page's push client (again after a new client). */
        void watch() {
            page.js("""
                    const w = window.__watch = window.__watch || {resets: [], states: [], events: [], clients: 0};
                    const c = window.halleyClient;
                    if (c && !c.__watched) {
                      c.__watched = true; w.clients++;
                      const r = c.onReset, s = c.onState, e = c.onEvent;
                      c.onReset = d => { w.resets.push(JSON.stringify(d)); r(d); };
                      c.onState = st => { w.states.push(st.name); s(st); };
                      c.onEvent = (ev, seq) => { w.events.push(ev && ev.type); e(ev, seq); };
                    }
                    """);
        }

        @SuppressWarnings("unchecked")
        List<Object> watched(String what) {
            watch();
            return (List<Object>) page.js("return window.__watch." + what + ".slice()");
        }

        String state() {
            return (String) page.js("return window.halleyClient.state.name");
        }
    }

    @BeforeEach
    void start() throws Exception {
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS.withoutPenalties());
        cluster = new HalleyCluster("""
                  - name: demo
                    kind: irc
                    host: 127.0.0.1
                    port: %d
                    tls: false
                    admission: {connect-interval: 0ms}
                    reconnect: {delay: 500ms}
                """.formatted(irc.port()), "  drain: {delay: " + DRAIN_DELAY.toSeconds() + "s, deadline: 30s, quit-message: Moving you}\n", List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        watcher = RawIrcClient.connect(irc.port(), "watcher");
        watcher.join(CHANNEL);
        push = HalleyPushClient.builder()
                .node("n1", URI.create(cluster.nodeUrl("n1")))
                .node("n2", URI.create(cluster.nodeUrl("n2")))
                .node("n3", URI.create(cluster.nodeUrl("n3")))
                .secret(HalleyCluster.API_SECRET)
                .build();
        while (probes.size() < HalleyCluster.NODES.size()) {
            PushProbe probe = PushProbe.create(http, cluster.url);
            if (probes.putIfAbsent(probe.node(), probe) != null) {
                probe.abort();
                strays.add(probe.session);
            }
        }
    }

    /** Three people arrive in Chromium, one after another: each lands on the node with the fewest connections. */
    private static void arrive() {
        String[][] who = {{"ann", "websocket"}, {"bob", "xhr-streaming"}, {"cyd", "long-polling"}};
        for (String[] w : who) {
            BrowserFixture browser = BrowserFixture.start();
            ChatPage page = new ChatPage(browser);
            Person p = new Person(w[0], w[1], browser, page);
            people.add(p);
            page.open(cluster.url + "/?network=demo&channels=" + URLEncoder.encode(CHANNEL, StandardCharsets.UTF_8)
                    + "&nick=" + p.nick() + "&autoconnect=1&transport=" + p.transport());
            page.awaitConversation(CHANNEL);
            watcher.await(l -> l.startsWith(":" + p.nick() + "!") && l.contains(" JOIN "), WAIT);
            p.watch();
        }
    }

    @AfterEach
    void stop() throws Exception {
        people.forEach(p -> p.browser().close());
        probes.values().forEach(PushProbe::abort);
        Closing.all(watcher, cluster, irc);
        people.clear();
        probes.clear();
        strays.clear();
        watcher = null;
        cluster = null;
        irc = null;
    }

    @Test
    void sessionsSpreadOverTheNodesAndEveryRequestReachesItsNode() throws Exception {
        arrive();
        Map<String, List<String>> byNode = people.stream().collect(Collectors.groupingBy(Person::node,
                Collectors.mapping(Person::nick, Collectors.toList())));
        System.out.println("cluster: people by node " + byNode);
        assertThat(byNode).as("three people arriving one after another are spread").hasSizeGreaterThanOrEqualTo(2);

        List<PushProbe> arrivals = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            arrivals.add(PushProbe.create(http, cluster.url)); // each holds a connection, as a browser does
        }
        Map<String, Long> spread = arrivals.stream().collect(Collectors.groupingBy(PushProbe::node, TreeMap::new, Collectors.counting()));
        System.out.println("cluster: 30 sessions by node " + spread);
        assertThat(spread.keySet()).containsExactlyElementsOf(HalleyCluster.NODES);
        assertThat(spread.values()).allMatch(n -> n >= 6);

        // Talk both ways through every node.
        for (Person p : people) {
            p.page().type("hello from " + p.nick() + " on " + p.node());
            watcher.await(l -> l.startsWith(":" + p.nick() + "!") && l.endsWith("PRIVMSG " + CHANNEL + " :hello from " + p.nick()
                    + " on " + p.node()), WAIT);
        }
        watcher.say(CHANNEL, "hello everyone");
        for (Person p : people) {
            p.page().awaitMessage("watcher", "hello everyone");
        }

        // Each node's /metrics agrees with what the test knows is on it.
        Map<String, Long> sessionsByNode = new TreeMap<>();
        people.forEach(p -> sessionsByNode.merge(p.node(), 1L, Long::sum));
        probes.keySet().forEach(n -> sessionsByNode.merge(n, 1L, Long::sum));
        spread.forEach((n, c) -> sessionsByNode.merge(n, c, Long::sum));
        strays.forEach(s -> sessionsByNode.merge(HalleyCluster.nodeOf(s), 1L, Long::sum));
        for (String node : HalleyCluster.NODES) {
            PrometheusText.Exposition m = scrape(node);
            assertThat(m.value("halley_info", "version", m.samples("halley_info").get(0).labels().get("version"), "node", node)).isEqualTo(1);
            assertThat(m.value("halley_ready")).as("%s ready", node).isEqualTo(1);
            assertThat(m.value("halley_sessions")).as("sessions on %s", node).isEqualTo((double) sessionsByNode.getOrDefault(node, 0L));
            assertThat(sum(m, "halley_bridge_connections", "network", "demo", "state", "connected")).as("IRC connections of %s", node)
                    .isEqualTo((double) people.stream().filter(p -> p.node().equals(node)).count());
            assertThat(m.value("halley_misdirected_total")).as("requests %s got for another node", node).isZero();
            assertThat(m.value("halley_forbidden_total")).as("requests %s refused", node).isZero();
        }

        arrivals.forEach(PushProbe::abort); // so HAProxy logs their WebSocket requests
        Set<String> arrived = arrivals.stream().map(a -> a.session).collect(Collectors.toSet());
        await().atMost(WAIT).until(() -> requestsWithSession().stream().filter(r -> arrived.contains(session(r.uri()))).count() == 30);
        List<HaproxyFixture.Request> requests = requestsWithSession();
        for (HaproxyFixture.Request r : requests) {
            assertThat(r.server()).as("the node of %s %s", r.method(), r.uri()).isEqualTo(HalleyCluster.nodeOf(session(r.uri())));
            assertThat(r.status()).as("%s %s", r.method(), r.uri()).isNotIn(403, 421, 502, 503);
        }
        Set<String> kinds = requests.stream().map(r -> r.method() + " " + r.uri().replaceFirst("\\?.*", "")).collect(Collectors.toSet());
        System.out.println("cluster: " + requests.size() + " requests with a session, all on their node: " + kinds);
        assertThat(kinds).contains("GET /push/ws", "POST /push/send");
        for (Person p : people) {
            assertThat(p.watched("resets")).as("%s was never reset", p.nick()).isEmpty();
        }
    }

    @Test
    void aPushToAUserIsDeliveredWhicheverNodeTheApplicationAsks() throws Exception {
        HalleyPushClient stale = HalleyPushClient.builder()
                .node("n3", URI.create(cluster.nodeUrl("n3")))
                .node("n1", URI.create(cluster.nodeUrl("n1")))
                .node("n2", URI.create(cluster.nodeUrl("n2")))
                .secret(HalleyCluster.API_SECRET)
                .build();
        for (String owner : HalleyCluster.NODES) {
            String user = HalleyCluster.userOn(owner, "member-");
            HalleyPushClient.Prebound bound = push.prebind(user).join();
            assertThat(HalleyCluster.nodeOf(bound.session())).isEqualTo(owner);
            PushProbe page = PushProbe.of(bound.session(), bound.token(), cluster.url); // the user's page, through the balancer
            page.connect(http, 0);
            assertThat(page.controls).contains("hello");
            int expected = 0;
            for (String asked : HalleyCluster.NODES) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.nodeUrl(asked) + "/push/api/users/" + user
                        + "/events")).header("Authorization", "Bearer " + HalleyCluster.API_SECRET)
                        .POST(HttpRequest.BodyPublishers.ofString("{\"via\":\"" + asked + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
                if (asked.equals(owner)) {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                    expected++;
                } else {
                    assertThat(r.statusCode()).as("%s asked about %s's user", asked, owner).isEqualTo(421);
                    assertThat(PushProbe.JSON.readTree(r.body()).get("node").asText()).isEqualTo(owner);
                }
            }
            assertThat(push.sendToUser(user, "{\"via\":\"client\"}").join()).hasSize(1);
            // An application server whose node list is in another order (a stale config) asks the
            // wrong node first; that node names the owner and the client follows.
            assertThat(stale.nodeOfUser(user)).isNotEqualTo(owner);
            assertThat(stale.sendToUser(user, "{\"via\":\"stale\"}").join()).hasSize(1);
            expected += 2;
            int n = expected;
            await().atMost(WAIT).until(() -> page.seqs.size() == n);
            assertThat(page.inOrderWithoutGaps()).isTrue();
            page.abort();
        }

        // A real browser with a prebound session: the page of a logged-in user, through HAProxy.
        String user = HalleyCluster.userOn("n2", "browser-");
        HalleyPushClient.Prebound bound = push.prebind(user).join();
        try (BrowserFixture browser = BrowserFixture.start()) {
            pushToAPreboundPage(new ChatPage(browser), user, bound);
        }
    }

    private static void pushToAPreboundPage(ChatPage page, String user, HalleyPushClient.Prebound bound) {
        page.visit(cluster.url + "/");
        Object live = page.driver().executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                const session = {session: arguments[0], token: arguments[1], heartbeat: arguments[2]};
                import('/halley.js').then(m => {
                  window.__pushed = [];
                  const c = window.__prebound = new m.HalleyClient({session, onEvent: e => window.__pushed.push(e),
                    onState: s => { if (s.name === 'live') done(s.transport); }});
                  c.start();
                });
                """, bound.session(), bound.token(), bound.heartbeatMillis());
        assertThat(live).isEqualTo("websocket");
        assertThat(push.sendToUser(user, "{\"mail\":3}").join()).hasSize(1);
        page.until("the push reached the browser", () -> "[{\"mail\":3}]".equals(page.js("return JSON.stringify(window.__pushed)")));
        page.js("window.__prebound.stop()");
    }

    @Test
    void aKilledNodeMovesOnlyItsOwnPeopleAndTheyAreBackWithinSeconds() throws Exception {
        arrive();
        // Kill the node of the person on XHR streaming, unless everyone shares it.
        Map<String, String> before = new HashMap<>();
        people.forEach(p -> before.put(p.nick(), p.session()));
        String killed = people.get(1).node();
        if (people.stream().allMatch(p -> p.node().equals(killed))) {
            throw new AssertionError("everyone is on " + killed + ": no one would be left to watch");
        }
        List<Person> moved = people.stream().filter(p -> p.node().equals(killed)).toList();
        List<Person> stayed = people.stream().filter(p -> !p.node().equals(killed)).toList();
        Map<String, Integer> statesBefore = new HashMap<>();
        stayed.forEach(p -> statesBefore.put(p.nick(), p.watched("states").size()));
        int watcherLines = watcher.lines().size();

        // Events flow to every probe through the kill: the survivors must see each one, in order.
        Map<String, AtomicLong> accepted = new HashMap<>();
        probes.keySet().forEach(n -> accepted.put(n, new AtomicLong()));
        Thread sender = Thread.ofVirtual().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                for (PushProbe probe : probes.values()) {
                    try {
                        push.sendToSession(probe.session, "{\"tick\":1}").join();
                        accepted.get(probe.node()).incrementAndGet();
                    } catch (RuntimeException e) {
                        // the killed node's probe: refused or unreachable
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        for (PushProbe probe : probes.values()) { // the stream runs before the kill: each probe has had some
            await().atMost(WAIT).until(() -> probe.seqs.size() >= 3);
        }

        long t0 = System.nanoTime();
        cluster.node(killed).kill(); // SIGKILL: no goodbye to anyone
        Map<String, Long> backAfterMillis = new TreeMap<>();
        for (Person p : moved) {
            awaitBackOnAnotherNode(p, killed, watcherLines);
            backAfterMillis.put(p.nick(), (System.nanoTime() - t0) / 1_000_000);
            assertThat(p.watched("resets")).as("%s was told (reset)", p.nick()).anySatisfy(r -> assertThat(r).asString()
                    .contains("\"renewed\":true"));
            p.page().awaitConversation(CHANNEL);
        }
        System.out.println("cluster: killed " + killed + "; back in " + CHANNEL + " with their nick after (ms) " + backAfterMillis);
        assertThat(backAfterMillis.values()).allMatch(ms -> ms < 20_000);

        sender.interrupt();
        sender.join();
        // Markers instead of a pause: a last event to each surviving probe (events arrive in order,
        // so once it is there every earlier one is), and a message through the channel to every
        // page (so each page's link has carried an event sent after the moved ones were back).
        for (Map.Entry<String, PushProbe> e : probes.entrySet()) {
            if (!e.getKey().equals(killed)) {
                PushProbe probe = e.getValue();
                push.sendToSession(probe.session, "{\"marker\":1}").join();
                await().atMost(WAIT).until(() -> !probe.events.isEmpty() && probe.events.getLast().has("marker"));
                accepted.get(e.getKey()).incrementAndGet();
            }
        }
        watcher.say(CHANNEL, "after the crash");
        for (Person p : people) {
            p.page().awaitMessage("watcher", "after the crash");
        }
        for (Person p : stayed) {
            assertThat(p.session()).as("%s keeps the session", p.nick()).isEqualTo(before.get(p.nick()));
            assertThat(p.watched("resets")).as("%s was never reset", p.nick()).isEmpty();
            assertThat(p.watched("states").subList(statesBefore.get(p.nick()), p.watched("states").size()))
                    .as("%s's connection was never touched", p.nick()).isEmpty();
        }
        List<String> after = linesSince(watcherLines);
        for (Person p : stayed) {
            assertThat(after).as("%s's IRC connection is untouched", p.nick())
                    .noneMatch(l -> l.startsWith(":" + p.nick() + "!") && (l.contains(" QUIT ") || l.contains(" JOIN ") || l.contains(" PART ")));
        }
        for (Map.Entry<String, PushProbe> e : probes.entrySet()) {
            PushProbe probe = e.getValue();
            if (e.getKey().equals(killed)) {
                assertThat(probe.closes).as("the killed node's probe lost its connection").isNotEmpty();
                probe.connect(http, probe.last()); // its resume lands on a live node, which cannot serve it
                assertThat(probe.closes).last().isEqualTo(4421);
            } else {
                assertThat(probe.closes).as("probe on %s", e.getKey()).isEmpty();
                assertThat(probe.controls).as("probe on %s", e.getKey()).filteredOn(c -> !c.equals("hb")).containsExactly("hello");
                assertThat(probe.inOrderWithoutGaps()).as("probe on %s", e.getKey()).isTrue();
                assertThat((long) probe.seqs.size()).as("every event accepted for the probe on %s arrived", e.getKey())
                        .isEqualTo(accepted.get(e.getKey()).get());
            }
        }
        // The survivors counted the killed node's browsers (and its probe) knocking: 421 / 4421.
        double misdirected = 0;
        for (String node : HalleyCluster.NODES) {
            if (!node.equals(killed)) {
                misdirected += scrape(node).value("halley_misdirected_total");
            }
        }
        assertThat(misdirected).isGreaterThanOrEqualTo(moved.size() + 1);

        for (Person p : people) {
            p.page().type(p.nick() + " still here");
            watcher.await(l -> l.startsWith(":" + p.nick() + "!") && l.endsWith(":" + p.nick() + " still here"), WAIT);
            p.page().assertNoErrors();
        }
    }

    @Test
    void aRestartedNodeIsTakenBackAndGetsNewSessions() throws Exception {
        String killed = "n2";
        cluster.node(killed).kill();
        cluster.awaitState(killed, 0);
        cluster.node(killed).startAgain();
        cluster.awaitState(killed, 2);
        PushProbe probe = null;
        for (int i = 0; i < 10 && (probe == null || !probe.node().equals(killed)); i++) {
            if (probe != null) {
                probe.abort();
            }
            probe = PushProbe.create(http, cluster.url);
        }
        assertThat(probe.node()).as("the emptiest node, back, gets the next new session").isEqualTo(killed);
        probes.put(killed, probe).abort();
        JsonNode pushed = PushProbe.JSON.readTree("{\"back\":true}");
        assertThat(push.sendToSession(probe.session, pushed.toString()).join()).isEqualTo(1);
        PushProbe p = probe;
        await().atMost(WAIT).until(() -> p.events.contains(pushed));
    }

    @Test
    void aDrainedNodeGoesNotReadyAndMovesItsPeopleWithoutAnErrorOnTheirPage() throws Exception {
        arrive();
        // The node of the person on long polling: the transport most likely to be between two
        // requests when the node sends everyone away.
        String drained = people.get(2).node();
        List<Person> moving = people.stream().filter(p -> p.node().equals(drained)).toList();
        List<Person> staying = people.stream().filter(p -> !p.node().equals(drained)).toList();
        Map<String, String> before = new HashMap<>();
        people.forEach(p -> before.put(p.nick(), p.session()));
        Map<String, Integer> resetsBefore = new HashMap<>();
        people.forEach(p -> resetsBefore.put(p.nick(), p.watched("resets").size()));
        Map<String, Double> createdBefore = new HashMap<>();
        for (String node : HalleyCluster.NODES) {
            createdBefore.put(node, scrape(node).value("halley_sessions_created_total"));
        }
        PushProbe drainedProbe = probes.get(drained);
        int watcherLines = watcher.lines().size();
        Map<String, List<String>> problemsBefore = new HashMap<>();
        people.forEach(p -> problemsBefore.put(p.nick(), problemsShown(p))); // the SIGKILL's, for who went through it

        long t0 = System.nanoTime();
        cluster.node(drained).terminate(); // SIGTERM, as systemctl stop sends

        // At once: the node says it is not ready, and /metrics says it drains.
        await().atMost(Duration.ofSeconds(5)).until(() -> readyz(drained).statusCode() == 503);
        assertThat(readyz(drained).body()).startsWith("not ready: draining");
        PrometheusText.Exposition m = scrape(drained);
        assertThat(m.value("halley_draining")).isEqualTo(1);
        assertThat(m.value("halley_ready")).isZero();
        // HAProxy's health check sees it and sends new sessions elsewhere, before the node has told
        // anyone to go (its sessions are still served: option persist).
        cluster.awaitState(drained, 0);
        long downAfter = (System.nanoTime() - t0) / 1_000_000;
        assertThat(drainedProbe.controls).as("nobody told to go yet, %d ms after SIGTERM", downAfter).doesNotContain("going-away");
        for (int i = 0; i < 6; i++) {
            PushProbe fresh = PushProbe.create(http, cluster.url);
            assertThat(fresh.node()).as("a new session while %s drains", drained).isNotEqualTo(drained);
            fresh.abort();
        }
        assertThat(drainedProbe.controls).doesNotContain("going-away");
        System.out.println("cluster: drained " + drained + " (people " + moving.stream().map(Person::nick).toList()
                + "); HAProxy took it out after " + downAfter + " ms");

        // After the delay: its people get going-away, move to a live node, and are back in the channel.
        Map<String, Long> backAfterMillis = new TreeMap<>();
        for (Person p : moving) {
            awaitBackOnAnotherNode(p, drained, watcherLines);
            backAfterMillis.put(p.nick(), (System.nanoTime() - t0) / 1_000_000);
            assertThat(p.watched("resets").subList(resetsBefore.get(p.nick()), p.watched("resets").size()))
                    .as("%s was told it moved", p.nick()).singleElement().asString().contains("\"moved\":true");
        }
        System.out.println("cluster: drained people back in " + CHANNEL + " after (ms, the drain delay "
                + DRAIN_DELAY.toMillis() + " ms included) " + backAfterMillis);
        assertThat(drainedProbe.controls).contains("going-away");
        await().atMost(WAIT).until(() -> drainedProbe.closes.contains(1001));
        assertThat(linesSince(watcherLines)).as("the drained node left IRC with its quit message")
                .anyMatch(l -> moving.stream().anyMatch(p -> l.startsWith(":" + p.nick() + "!")) && l.contains(" QUIT :") && l.contains("Moving you"));
        assertThat(cluster.node(drained).awaitExit(WAIT)).as("exit code of the drained node").isZero();

        // Everyone talks, and no page shows an error: no problem line in the channel or the
        // network's own conversation, no banner, no script error.
        watcher.say(CHANNEL, "after the drain");
        for (Person p : people) {
            p.page().awaitMessage("watcher", "after the drain");
            p.page().type(p.nick() + " moved fine");
            watcher.await(l -> l.startsWith(":" + p.nick() + "!") && l.endsWith(":" + p.nick() + " moved fine"), WAIT);
        }
        for (Person p : people) {
            assertThat(problemsShown(p)).as("problem lines on %s's page", p.nick()).isEqualTo(problemsBefore.get(p.nick()));
            assertThat(p.page().el("banner").isDisplayed()).as("%s's banner: %s", p.nick(), p.page().el("banner").getText()).isFalse();
            assertThat(p.page().el("link-state").getAttribute("data-state")).isEqualTo("live");
            p.page().assertNoErrors();
        }
        for (Person p : staying) {
            assertThat(p.session()).as("%s keeps the session", p.nick()).isEqualTo(before.get(p.nick()));
            assertThat(p.watched("resets")).as("%s was not reset", p.nick()).hasSize(resetsBefore.get(p.nick()));
        }
        probes.forEach((node, probe) -> {
            if (!node.equals(drained)) {
                assertThat(probe.closes).as("probe on %s", node).isEmpty();
            }
        });
        double created = 0;
        for (String node : HalleyCluster.NODES) {
            if (!node.equals(drained)) {
                created += scrape(node).value("halley_sessions_created_total") - createdBefore.get(node);
            }
        }
        assertThat(created).as("sessions made on the other nodes: the movers' and the 6 new ones").isGreaterThanOrEqualTo(moving.size() + 6);
    }

    /** Waits until {@code p} is live on a node other than {@code gone} and has joined the channel again (a fresh bridge). */
    private static void awaitBackOnAnotherNode(Person p, String gone, int watcherLines) {
        p.page().until(p.nick() + " has a live session on another node", WAIT, () -> {
            String s = p.session();
            return s != null && !HalleyCluster.nodeOf(s).equals(gone) && "live".equals(p.state());
        });
        await().atMost(WAIT).until(() -> linesSince(watcherLines).stream()
                .anyMatch(l -> l.startsWith(":" + p.nick() + "!") && l.contains(" JOIN ")));
    }

    /** The problem lines (shown as errors) in the network's conversation and the channel, as the page shows them. */
    @SuppressWarnings("unchecked")
    private static List<String> problemsShown(Person p) {
        List<String> shown = new ArrayList<>();
        for (String conversation : List.of("demo", CHANNEL)) {
            p.page().select(conversation);
            for (Object line : (List<Object>) p.page().js("return [...document.querySelectorAll('#messages .msg.problem')].map(e => e.textContent)")) {
                shown.add(conversation + ": " + line);
            }
        }
        return shown;
    }

    private static HttpResponse<String> readyz(String node) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(cluster.nodeUrl(node) + "/readyz")).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The node's /metrics (on its internal address, as Prometheus scrapes it), parsed. */
    private static PrometheusText.Exposition scrape(String node) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(cluster.nodeUrl(node) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("/metrics of %s", node).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    /** The sum of {@code name}'s samples whose labels include these pairs (0 if none). */
    private static double sum(PrometheusText.Exposition m, String name, String... labels) {
        double total = 0;
        for (PrometheusText.Sample s : m.samples(name)) {
            boolean match = true;
            for (int i = 0; i < labels.length; i += 2) {
                match &= labels[i + 1].equals(s.labels().get(labels[i]));
            }
            if (match) {
                total += s.value();
            }
        }
        return total;
    }

    private static List<String> linesSince(int from) {
        List<String> all = watcher.lines();
        return all.subList(from, all.size());
    }

    private static List<HaproxyFixture.Request> requestsWithSession() {
        return cluster.lb.requests().stream().filter(r -> r.uri().contains("session=")).toList();
    }

    private static String session(String uri) {
        for (String kv : URI.create(uri).getRawQuery().split("&")) {
            if (kv.startsWith("session=")) {
                return kv.substring(8);
            }
        }
        throw new AssertionError("no session in " + uri);
    }
}
