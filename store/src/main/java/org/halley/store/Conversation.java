package org.halley.store;

import java.util.Objects;

/**
 * Whose lines these are: every read and write names one, so a query can only ever see one
 * conversation's lines (or, for search, a {@link SearchScope}'s).
 *
 * <ul>
 *   <li>A channel's shared history: {@code owner} is empty. Whoever may join the channel through
 *       Halley may read it (the caller decides that; the store only keeps lines apart).
 *   <li>One account's own lines: {@code owner} is the account. Its private conversations
 *       ({@code target} is the peer: a nick or a bare JID) and the channel lines its own session saw
 *       where the channel is not recorded. Never anonymous sessions: the caller must not keep them.
 * </ul>
 *
 * The store compares names exactly: the caller folds case (IRC's CASEMAPPING, JID normalisation)
 * before it builds a conversation.
 *
 * @param network the network's name in Halley's configuration
 * @param owner   the account whose lines these are, or empty for a channel's shared history
 * @param target  the channel or room, or the private conversation's peer
 */
public record Conversation(String network, String owner, String target) {
    static final int MAX_NAME = 512;

    public Conversation {
        network = LineRecord.name("network", network, false);
        owner = LineRecord.name("owner", owner, true);
        target = LineRecord.name("target", target, false);
    }

    /** A channel's (or room's) shared history, as recorded by Halley's recorder. */
    public static Conversation channel(String network, String channel) {
        return new Conversation(network, "", channel);
    }

    /** What {@code account} keeps of its conversation with {@code peer} (or a channel it sat in). */
    public static Conversation ofAccount(String network, String account, String peer) {
        Objects.requireNonNull(account, "account");
        if (account.isEmpty()) {
            throw new IllegalArgumentException("account: empty (expected: a signed-in account; anonymous sessions keep nothing)");
        }
        return new Conversation(network, account, peer);
    }

    public boolean isShared() {
        return owner.isEmpty();
    }
}
