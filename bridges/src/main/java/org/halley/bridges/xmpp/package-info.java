/**
 * The XMPP bridge: one Smack connection per person per configured service ({@link
 * org.halley.bridges.xmpp.XmppBridge}, {@link org.halley.bridges.xmpp.XmppConnection}), logged
 * in with the person's own address and password (SCRAM; PLAIN only inside TLS) or anonymously.
 * STARTTLS is required, the certificate checked against the JDK's trust store or the configured
 * CA and against the XMPP domain, unless the config says {@code tls: false}.
 *
 * <p>Rooms (XEP-0045) are handled from the stanzas themselves by {@link
 * org.halley.bridges.xmpp.StanzaMapper}, not by Smack's {@code MultiUserChat}. All XML is written
 * by Smack's stanza builders and read by {@link org.halley.bridges.xmpp.SafeXmlParserFactory};
 * browser input is checked by {@link org.halley.bridges.xmpp.XmppArgs} first.
 *
 * <p>Transport: {@code XMPPTCPConnection} (two platform threads per connection), not Smack 4.4's
 * NIO reactor; see {@link org.halley.bridges.xmpp.XmppTransport} for what the reactor lacked in
 * the tests. Threads: see {@link org.halley.bridges.xmpp.XmppConnection} and docs/threading.md.
 */
package org.halley.bridges.xmpp;
