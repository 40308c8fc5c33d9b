package org.halley.cluster;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which node owns what: the one rule that the push core, the Java push client and every load
 * balancer follow, so nodes never need to ask each other (docs/protocol.md, "Which node").
 *
 * <ul>
 *   <li>A session belongs to the node named before the first dot of its id
 *       ({@code <node>.<22 base64url chars>}).
 *   <li>A user belongs to node number {@code consistentHash(murmur3_128(utf8(user)), n)} of the
 *       cluster's node list, in its configured order (Guava's {@link Hashing#consistentHash} over
 *       {@link Hashing#murmur3_128()}, seed 0). Adding a node at the end of the list moves only about
 *       1/n of the users, all of them to the new node.
 * </ul>
 *
 * <p>Pure and thread-safe. The values are pinned by tests and written in the protocol document, so
 * an implementation in another language can check itself against them.
 */
public final class Owners {
    /** A node name as the config, session ids and load balancers spell it. */
    public static final Pattern NODE_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private Owners() {}

    /** The node named in a session id ({@code <node>.<22 base64url chars>}). */
    public static String nodeOfSession(String sessionId) {
        int dot = sessionId.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("not a session id: " + sessionId);
        }
        return sessionId.substring(0, dot);
    }

    /** The index in a list of {@code nodes} nodes of the node that owns {@code user}. */
    public static int indexOfUser(String user, int nodes) {
        if (nodes < 1) {
            throw new IllegalArgumentException("nodes: " + nodes + " (expected: > 0)");
        }
        return Hashing.consistentHash(Hashing.murmur3_128().hashString(user, StandardCharsets.UTF_8), nodes);
    }

    /** The name of the node that owns {@code user}, from the cluster's node names in order. */
    public static String nodeOfUser(String user, List<String> nodes) {
        return nodes.get(indexOfUser(user, nodes.size()));
    }
}
