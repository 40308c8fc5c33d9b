package org.halley.bridges.xmpp;

/**
 * How Smack talks to the server. Both were measured ({@code bench/xmpp-bench}, README "Measured
 * figures") and tested; {@link #THREADS} is the default and the only one the gateway uses.
 *
 * <p>The reactor would save the two threads per connection (about 200 KiB of stacks each), but
 * Smack 4.4's reactor transport did not hold up in the tests: it ignores the end of a stream (a
 * restarted server is noticed only by the next XMPP ping), its reactor threads die of exceptions
 * after a refused TLS handshake or a DOCTYPE from the server (see {@link ReactorWatchdog}), it
 * has no stream management, it does not check that the certificate names the domain (Halley
 * adds that, {@link TlsTrust}), and about one login in ten stalled for the reply timeout in TLS
 * under load. It stays here for the benchmark and for a later Smack.
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
