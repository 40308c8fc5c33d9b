package org.halley.bridges.xmpp;

/**
 * How Smack talks to the server. Measured side by side by {@code org.halley.bench.xmpp} (see the
 * README's figures); {@link #REACTOR} is the default.
 */
public enum XmppTransport {
    /**
     * Smack 4.4's {@code ModularXmppClientToServerConnection} with its TCP transport module: every
     * connection's socket is served by Smack's shared NIO reactor (two threads for the whole
     * process). Smack 4.4 has no stream management (XEP-0198) for it, so a lost link is always
     * a new login and rooms are joined again (asking for the history missed meanwhile).
     */
    REACTOR,
    /**
     * {@code XMPPTCPConnection}: blocking sockets with a reader and a writer platform thread per
     * connection. Resumes streams with XEP-0198 where the server offers it.
     */
    THREADS;

    /** What {@link XmppBridge} uses unless told otherwise; why: see {@link XmppTransport}. */
    public static final XmppTransport DEFAULT = THREADS;
}
