package org.halley.bridges.irc;

import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.pircbotx.PircBotX;
import org.pircbotx.UserHostmask;
import org.pircbotx.cap.CapHandler;
import org.pircbotx.exception.IrcException;
import org.pircbotx.hooks.events.ServerPingEvent;
import org.pircbotx.hooks.events.UnknownEvent;

/**
 * PircBotX's input parser with Halley's own line parsing in front ({@link IrcMessage}): the
 * connection sees every line first (tags, ERROR, KILL), DCC offers are dropped (Halley does no
 * DCC) and the few replies whose PircBotX handling needs Guava 19 APIs (MOTD, WHOIS channels) are
 * handled by the connection instead.
 *
 * <p>Runs on the connection's reader thread.
 */
final class HalleyInputParser extends org.pircbotx.InputParser {
    private final IrcConnection connection;

    HalleyInputParser(PircBotX bot, IrcConnection connection) {
        super(bot);
        this.connection = connection;
    }

    @Override
    public void handleLine(String rawLine) throws IOException, IrcException {
        IrcMessage m;
        try {
            m = IrcMessage.parse(rawLine.strip());
        } catch (IllegalArgumentException e) {
            return; // an empty or commandless line: nothing to do
        }
        if (!connection.onLine(m)) {
            return;
        }
        String command = m.command();
        List<String> parsed = new ArrayList<>(m.params());
        if (command.equals("PING")) {
            configuration.getListenerManager().onEvent(new ServerPingEvent(bot, m.param(0)));
            return;
        }
        if (command.equals("ERROR")) {
            bot.close();
            return;
        }
        String line = m.withoutTags();
        if (m.prefix() == null) {
            configuration.getListenerManager().onEvent(new UnknownEvent(bot, line));
            if (!((HalleyBot) bot).isLoggedIn()) {
                for (CapHandler h : configuration.getCapHandlers()) {
                    if (h.handleUnknown(bot, line)) {
                        addCapHandlerFinished(h);
                    }
                }
            }
            return;
        }
        String target = parsed.isEmpty() ? "" : parsed.get(0);
        if (!((HalleyBot) bot).isLoggedIn()) {
            processConnect(line, command, target, parsed);
        }
        int code = numeric(command);
        if (code >= 0) {
            processServerResponse(code, line, parsed);
            return;
        }
        UserHostmask source = configuration.getBotFactory().createUserHostmask(bot, m.prefix());
        processCommand(target, source, command, line, parsed, ImmutableMap.copyOf(m.tags()));
    }

    @Override
    public void processServerResponse(int code, String rawResponse, List<String> parsedResponse) {
        switch (code) {
            case 319, 372, 375, 376 -> { } // handled by the connection (onLine)
            default -> super.processServerResponse(code, rawResponse, parsedResponse);
        }
    }

    private static int numeric(String command) {
        if (command.length() != 3) {
            return -1;
        }
        for (int i = 0; i < 3; i++) {
            if (command.charAt(i) < '0' || command.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(command);
    }
}
