package org.halley.bridges.irc;

import java.util.function.Consumer;
import org.pircbotx.PircBotX;

/**
 * PircBotX's input parser replaced by Halley's: each line is parsed by {@link IrcMessage} (IRCv3
 * tags included, which PircBotX 2.1 drops) and handed to the connection, which decodes it into
 * chat events ({@link IrcEvents}). PircBotX's own dispatch is not used: it keeps every member of
 * every channel in its user/channel store (tens of KiB per person here), throws on several
 * replies it does not expect, and reaches Guava 19 APIs that Guava 33 no longer has.
 *
 * <p>Runs on the connection's reader thread.
 */
final class HalleyInputParser extends org.pircbotx.InputParser {
    private final Consumer<IrcMessage> lines;

    HalleyInputParser(PircBotX bot, Consumer<IrcMessage> lines) {
        super(bot);
        this.lines = lines;
    }

    @Override
    public void handleLine(String rawLine) {
        IrcMessage m;
        try {
            m = IrcMessage.parse(rawLine);
        } catch (IllegalArgumentException e) {
            return; // an empty or commandless line: nothing to do
        }
        lines.accept(m);
    }
}
