package org.halley.bridges.irc;

import org.pircbotx.PircBotX;
import org.pircbotx.output.OutputRaw;

/**
 * PircBotX's raw output with a guard: no line with CR, LF or NUL, and none over 510 bytes, is
 * ever written, whatever built it. The fields were validated before ({@link IrcArgs}); this is
 * the second wall, for lines PircBotX composes itself.
 */
final class SafeOutputRaw extends OutputRaw {

    SafeOutputRaw(PircBotX bot) {
        super(bot);
    }

    @Override
    public void rawLine(String line) {
        super.rawLine(checked(line));
    }

    @Override
    public void rawLineNow(String line) {
        super.rawLineNow(checked(line));
    }

    @Override
    public void rawLineNow(String line, boolean resetDelay) {
        super.rawLineNow(checked(line), resetDelay);
    }

    @Override
    public void rawLineSplit(String prefix, String message, String suffix) {
        for (String part : IrcLines.split(message, Math.max(16, IrcLines.MAX_LINE_BYTES - 2 - IrcLines.utf8(prefix + suffix)))) {
            rawLine(prefix + part + suffix);
        }
    }

    private static String checked(String line) {
        String problem = IrcLines.problem(line);
        if (problem != null) {
            throw new IllegalArgumentException("refusing to write an IRC line: " + problem);
        }
        return line;
    }
}
