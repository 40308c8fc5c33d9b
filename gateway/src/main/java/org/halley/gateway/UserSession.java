package org.halley.gateway;

import com.google.common.util.concurrent.MoreExecutors;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import org.halley.bridges.Bridge;
import org.halley.bridges.BridgeConnection;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.CommandRejectedException;
import org.halley.bridges.Login;
import org.halley.push.PushSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One person: their browser session and their connections, one per network. What the browser
 * sends is handled in order on a sequential executor of virtual threads (never on the push
 * core's loop); what the networks say is encoded on the bridge's thread and handed to the push
 * session, which hands it to its shard.
 */
final class UserSession {
    private static final Logger log = LoggerFactory.getLogger(UserSession.class);

    private final PushSession push;
    private final Map<String, Bridge> bridges;
    private final Login.ClientAddress client;
    private final Map<String, String> quitMessages;
    private final Executor ops;
    private final Map<String, BridgeConnection> connections = new ConcurrentHashMap<>();
    private volatile boolean ended;

    UserSession(PushSession push, Map<String, Bridge> bridges, Login.ClientAddress client, Map<String, String> quitMessages,
            ExecutorService threads) {
        this.push = push;
        this.bridges = bridges;
        this.client = client;
        this.quitMessages = quitMessages;
        this.ops = MoreExecutors.newSequentialExecutor(threads);
    }

    /** From the push core's loop: queue and return. */
    void received(String json) {
        ops.execute(() -> handle(json));
    }

    /** From the push core's loop: the browser session is over; leave every network. */
    void ended(String reason) {
        ended = true;
        ops.execute(() -> {
            connections.forEach((network, c) -> c.close(quitMessage(network)));
            connections.clear();
        });
    }

    private void handle(String json) {
        if (ended) {
            return;
        }
        ClientOp op;
        try {
            op = ClientOp.parse(json);
        } catch (CommandRejectedException e) {
            push.send(EventJson.problem("", e.code(), e.field(), e.reason()));
            return;
        }
        switch (op) {
            case ClientOp.Connect c -> connect(c);
            case ClientOp.Command c -> {
                BridgeConnection conn = connections.get(c.network());
                if (conn == null) {
                    push.send(EventJson.problem(c.network(), "not-connected", "network", "not connected to " + c.network()));
                    return;
                }
                try {
                    conn.send(c.command());
                } catch (CommandRejectedException e) {
                    push.send(EventJson.problem(c.network(), e.code(), e.field(), e.reason()));
                }
            }
        }
    }

    private void connect(ClientOp.Connect c) {
        Bridge bridge = bridges.get(c.network());
        if (bridge == null) {
            push.send(EventJson.problem(c.network(), "unknown-network", "network",
                    "no network called '" + c.network() + "' (choose one of " + bridges.keySet() + ")"));
            return;
        }
        if (connections.containsKey(c.network())) {
            push.send(EventJson.problem(c.network(), "already-connected", "network", "already connected to " + c.network()));
            return;
        }
        Login login = new Login(c.nick(), c.account(), c.password(), c.channels(), client);
        String network = c.network();
        BridgeConnection[] self = new BridgeConnection[1];
        try {
            self[0] = bridge.connect(login, event -> onEvent(network, self, event));
            connections.put(network, self[0]);
            if (ended) {
                self[0].close(quitMessage(network));
            }
        } catch (CommandRejectedException e) {
            push.send(EventJson.problem(network, e.code(), e.field(), e.reason()));
        }
    }

    private String quitMessage(String network) {
        return quitMessages.getOrDefault(network, Gateway.QUIT_MESSAGE);
    }

    /** On the bridge's thread. */
    private void onEvent(String network, BridgeConnection[] conn, ChatEvent event) {
        push.send(EventJson.encode(network, event));
        if (event instanceof ChatEvent.Disconnected d && d.retryInMillis() == 0 && conn[0] != null) {
            connections.remove(network, conn[0]);
            log.debug("session {} left {}", push.id(), network);
        }
    }
}
