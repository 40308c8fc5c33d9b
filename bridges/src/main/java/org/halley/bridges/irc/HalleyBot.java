package org.halley.bridges.irc;

import java.io.IOException;
import org.pircbotx.Configuration;
import org.pircbotx.PircBotX;

/**
 * PircBotX with Halley's own last step to the socket. Every line passes {@link IrcLines#problem}
 * here, whatever built it, so no CR, LF or NUL can reach the wire. PircBotX's version of this
 * method also re-parses each line with a Guava API that no longer exists (it was built against
 * Guava 19), so replacing it is required, not only safer.
 */
final class HalleyBot extends PircBotX {

    HalleyBot(Configuration configuration) {
        super(configuration);
    }

    @Override
    protected void sendRawLineToServer(String line) throws IOException {
        String problem = IrcLines.problem(line);
        if (problem != null) {
            throw new IllegalArgumentException("refusing to write an IRC line: " + problem);
        }
        outputWriter.write(line);
        outputWriter.write("\r\n");
        outputWriter.flush();
    }

    /** Whether registration has completed (001 received). */
    boolean isLoggedIn() {
        return loggedIn;
    }
}
