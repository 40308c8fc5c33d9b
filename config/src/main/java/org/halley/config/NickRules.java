package org.halley.config;

import java.util.List;

/**
 * How a bridge picks nicks: IRC nicks, or XMPP multi-user chat nicknames.
 *
 * @param defaultNick offered when the person leaves the nick empty; each {@code ?} becomes a
 *     random digit ({@code guest???})
 * @param fallbacks tried in order when the nick is taken at registration; {@code {nick}} is the
 *     wanted nick, {@code ?} a random digit ({@code {nick}_}, {@code {nick}??})
 * @param maxLength longest nick Halley accepts before asking the server (which may allow fewer)
 */
public record NickRules(String defaultNick, List<String> fallbacks, int maxLength) {

    public static final NickRules DEFAULTS =
            new NickRules("guest???", List.of("{nick}_", "{nick}??"), 30);

    public NickRules {
        fallbacks = List.copyOf(fallbacks);
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: > 0)");
        }
    }
}
