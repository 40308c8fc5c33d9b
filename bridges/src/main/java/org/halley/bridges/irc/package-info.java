/**
 * The IRC bridge: one PircBotX connection per person per network, on virtual threads.
 *
 * <p>Reading: PircBotX runs the socket and its read loop; {@link org.halley.bridges.irc.HalleyBot}
 * reads lines with a 512-byte buffer and {@link org.halley.bridges.irc.HalleyInputParser} parses
 * them with {@link org.halley.bridges.irc.IrcMessage} (IRCv3 tags included). {@link
 * org.halley.bridges.irc.CapNegotiation} handles CAP and SASL, {@link
 * org.halley.bridges.irc.IrcEvents} decodes everything else into chat events, in server order.
 *
 * <p>Writing: browser input is validated field by field and shaped into lines by {@link
 * org.halley.bridges.irc.IrcCommandEncoder} ({@link org.halley.bridges.irc.IrcArgs}, no raw
 * passthrough), queued on the connection's {@link org.halley.bridges.irc.IrcWriter} (flood
 * control) and checked once more on its way to the socket ({@link
 * org.halley.bridges.irc.IrcLines#problem}): PircBotX 2.1 itself would write a {@code \r} or
 * {@code \r\n} inside a message as given, which a server then runs as a command.
 *
 * <p>Connecting: {@link org.halley.bridges.irc.IrcBridge} enforces the quotas, {@link
 * org.halley.bridges.irc.IrcAdmission} paces connection attempts per network and learns from
 * throttles and bans, {@link org.halley.bridges.irc.IrcConnection} reconnects with backoff and
 * rejoins, and {@link org.halley.bridges.irc.IrcTls} verifies certificates and host names.
 */
package org.halley.bridges.irc;
