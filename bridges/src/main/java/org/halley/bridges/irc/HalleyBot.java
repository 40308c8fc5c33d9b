package org.halley.bridges.irc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;
import org.pircbotx.Configuration;
import org.pircbotx.PircBotX;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PircBotX with Halley's own first and last steps on the socket.
 *
 * <p>Reading: PircBotX's {@code BufferedReader} over an {@code InputStreamReader} keeps 8 KiB of
 * bytes and 16 KiB of chars per connection; {@link IrcLineReader} keeps 512 bytes. A server that
 * says nothing for a socket timeout is sent a PING (PircBotX does that); one that then says
 * nothing for another timeout is taken for dead, instead of being waited on for ever.
 *
 * <p>Writing: every line passes {@link IrcLines#problem} here, whatever built it, so no CR, LF or
 * NUL can reach the wire; lines are written as UTF-8 bytes straight to the socket (no 8 KiB
 * writer buffer); at TRACE a line is logged only as {@link IrcLines#describe} shows it (no text,
 * no secrets). PircBotX's own
 * version of this method also re-parses each line with a Guava API that no longer exists (it was
 * built against Guava 19), so replacing it is required, not only safer.
 *
 * <p>Threads: {@link #startBot()} runs on the connection's reader thread; {@link #writeLine} may be
 * called from any thread (one line at a time, under a lock).
 */
final class HalleyBot extends PircBotX {
    private static final Logger log = LoggerFactory.getLogger(HalleyBot.class);
    private final ReentrantLock writing = new ReentrantLock();
    private volatile OutputStream out;
    /** Set by the connection before start; where PircBotX's own lines (NICK, USER, PING) go. */
    private volatile IrcWriter writer;

    HalleyBot(Configuration configuration) {
        super(configuration);
    }

    void writer(IrcWriter writer) {
        this.writer = writer;
    }

    IrcWriter writer() {
        return writer;
    }

    @Override
    protected void changeSocket(Socket socket) throws IOException {
        this.socket = socket;
        IrcLineReader lines = new IrcLineReader(socket.getInputStream());
        this.inputReader = new BufferedReader(Reader.nullReader(), 1) {
            private boolean pinged;

            @Override
            public String readLine() throws IOException {
                try {
                    String line = lines.readLine();
                    pinged = false;
                    return line;
                } catch (SocketTimeoutException e) {
                    if (pinged) {
                        throw new IOException("no answer from the server for " + 2 * socket.getSoTimeout() / 1000 + " s");
                    }
                    pinged = true;
                    throw e; // PircBotX answers a timeout with a PING
                }
            }
        };
        this.out = socket.getOutputStream();
        this.outputWriter = Writer.nullWriter();
    }

    /** Writes one line (CR LF added) or throws; never a line {@link IrcLines#problem} refuses. */
    void writeLine(String line) throws IOException {
        String problem = IrcLines.problem(line);
        if (problem != null) {
            throw new IllegalArgumentException("refusing to write an IRC line: " + problem);
        }
        byte[] bytes = (line + "\r\n").getBytes(StandardCharsets.UTF_8);
        writing.lock();
        try {
            OutputStream o = out;
            if (o == null) {
                throw new IOException("not connected");
            }
            o.write(bytes);
            o.flush();
            if (log.isTraceEnabled()) {
                log.trace("> {}", IrcLines.describe(line));
            }
        } finally {
            writing.unlock();
        }
    }

    @Override
    protected void sendRawLineToServer(String line) throws IOException {
        writeLine(line);
    }
}
