package org.halley.push.client;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Which node owns what, the same way on every application server and load balancer (see
 * docs/protocol.md, "Which node"): a session belongs to the node named before the dot in its id;
 * a user belongs to node {@code consistentHash(murmur3_128(utf8(user)), n)} of the node list, in
 * its configured order. Guava's consistent hash moves only about 1/n of the users when a node is
 * added at the end of the list.
 */
public final class Owners {
    private Owners() {}

    /** The node named in a session id ({@code <node>.<22 base64url chars>}). */
    public static String nodeOfSession(String sessionId) {
        int dot = sessionId.indexOf('.');
        if (dot <= 0) {
            throw new IllegalArgumentException("not a session id: " + sessionId);
        }
        return sessionId.substring(0, dot);
    }

    /** The index in {@code nodes} of the node that owns {@code user}. */
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
