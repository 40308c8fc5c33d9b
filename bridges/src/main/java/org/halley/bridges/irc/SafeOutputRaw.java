package org.halley.bridges.irc;

import org.pircbotx.PircBotX;
import org.pircbotx.output.OutputRaw;

/**
 * Where the lines PircBotX composes itself go (NICK and USER at registration, a PING after a
 * silence): into the connection's {@link IrcWriter}, so they count against flood control and
 * pass the same guard as every other line. Never logs (OutputRaw logs every line at INFO).
 */
final class SafeOutputRaw extends OutputRaw {
    private final HalleyBot bot;

    SafeOutputRaw(PircBotX bot) {
        super(bot);
        this.bot = (HalleyBot) bot;
    }

    @Override
    public void rawLine(String line) {
        rawLineNow(line);
    }

    @Override
    public void rawLineNow(String line) {
        rawLineNow(line, false);
    }

    @Override
    public void rawLineNow(String line, boolean resetDelay) {
        IrcWriter w = bot.writer();
        if (w == null) {
            throw new IllegalStateException("no writer for this connection");
        }
        w.sendNow(line);
    }

    @Override
    public void rawLineSplit(String prefix, String message, String suffix) {
        for (String part : IrcLines.split(message, Math.max(16, IrcLines.MAX_LINE_BYTES - 2 - IrcLines.utf8(prefix + suffix)))) {
            rawLineNow(prefix + part + suffix);
        }
    }
}
