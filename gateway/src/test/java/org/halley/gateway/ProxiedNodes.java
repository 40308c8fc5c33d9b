package org.halley.gateway;

import java.util.Map;
import org.halley.testkit.NgircdFixture;
import org.halley.testkit.Ports;

/**
 * What a proxy test stands on: an IRC server, the three in-process nodes of {@link
 * DeployFiles#nodes} whose public URL is {@link #url} (the proxy's, on {@link #port}), and the
 * proxy once the test has started it ({@link #proxy}). Closing closes all of it, proxy first.
 */
final class ProxiedNodes implements AutoCloseable {
    final int port = Ports.free();
    final String url = "http://127.0.0.1:" + port;
    final NgircdFixture irc;
    /** By node name; a test may take a node out (and close it) to play its loss. */
    final Map<String, Gateway> nodes;
    private AutoCloseable proxy;

    ProxiedNodes() throws Exception {
        irc = NgircdFixture.start(NgircdFixture.Options.DEFAULTS);
        try {
            nodes = DeployFiles.nodes(url, irc.port());
        } catch (Exception | Error e) {
            irc.close();
            throw e;
        }
    }

    /** Remembers the proxy in front of the nodes, to be closed with them; returns it. */
    <P extends AutoCloseable> P proxy(P started) {
        proxy = started;
        return started;
    }

    @Override
    public void close() throws Exception {
        try {
            if (proxy != null) {
                proxy.close();
            }
            DeployFiles.close(nodes);
        } finally {
            irc.close();
        }
    }
}
