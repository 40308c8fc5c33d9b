package org.halley.store;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one search may see on one network: the shared history of the listed channels (those the
 * person may read, decided by the caller) and, for a signed-in account, its own lines. Nothing
 * else ever matches: there is no "all" scope.
 *
 * @param network  the network searched
 * @param channels channels whose shared history is searched (at most {@link #MAX_CHANNELS})
 * @param account  the account whose own lines are searched too, or empty for none (anonymous)
 */
public record SearchScope(String network, Set<String> channels, String account) {
    public static final int MAX_CHANNELS = 200;

    public SearchScope {
        network = LineRecord.name("network", network, false);
        channels = Set.copyOf(channels);
        account = LineRecord.name("account", Objects.requireNonNullElse(account, ""), true);
        if (channels.size() > MAX_CHANNELS) {
            throw new IllegalArgumentException("channels: " + channels.size() + " (expected: <= " + MAX_CHANNELS + ")");
        }
        for (String c : channels) {
            LineRecord.name("channel", c, false);
        }
    }

    public static SearchScope channels(String network, String... channels) {
        return new SearchScope(network, Set.of(channels), "");
    }

    public SearchScope withAccount(String account) {
        return new SearchScope(network, channels, account);
    }

    List<String> sortedChannels() {
        return channels.stream().sorted().toList();
    }
}
