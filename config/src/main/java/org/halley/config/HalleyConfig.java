package org.halley.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole of {@code halley.yaml}.
 *
 * @param source where it was read from, for messages ("halley.yaml")
 * @param admin the operator's endpoint
 * @param logging log format and level
 */
public record HalleyConfig(
        String source,
        ServerConfig server,
        LimitsConfig limits,
        List<BridgeConfig> bridges,
        ClusterConfig cluster,
        AdminConfig admin,
        LoggingConfig logging) {

    public HalleyConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(limits, "limits");
        bridges = List.copyOf(bridges);
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(logging, "logging");
    }

    /** The bridge called {@code name}, the only way a browser may choose a network. */
    public Optional<BridgeConfig> bridge(String name) {
        return bridges.stream().filter(b -> b.name().equals(name)).findFirst();
    }
}
