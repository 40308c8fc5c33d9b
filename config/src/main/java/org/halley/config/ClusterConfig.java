package org.halley.config;

import java.util.List;
import java.util.Objects;

/**
 * The share-nothing cluster: every node lists all nodes, in the same order, and knows its own
 * name. Nodes never talk to each other; the list only lets everyone compute the same owner.
 *
 * @param node this node's name, one of {@link #nodes()}
 */
public record ClusterConfig(String node, List<ClusterNode> nodes) {

    /** One node on its own. */
    public static final ClusterConfig SINGLE =
            new ClusterConfig("local", List.of(new ClusterNode("local", "127.0.0.1:8080")));

    public ClusterConfig {
        Objects.requireNonNull(node, "node");
        nodes = List.copyOf(nodes);
        if (nodes.stream().noneMatch(n -> n.name().equals(node))) {
            throw new IllegalArgumentException("node: " + node + " is not in nodes " + nodes);
        }
    }

    public ClusterNode self() {
        return nodes.stream().filter(n -> n.name().equals(node)).findFirst().orElseThrow();
    }

    /**
     * One node of the cluster.
     *
     * @param name short name ({@code [a-z0-9][a-z0-9-]*}), carried in session ids
     * @param address internal {@code host:port} where the load balancer and applications reach it
     */
    public record ClusterNode(String name, String address) {
        public ClusterNode {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
        }
    }
}
