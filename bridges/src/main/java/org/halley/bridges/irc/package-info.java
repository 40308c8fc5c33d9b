/**
 * The IRC bridge: one PircBotX connection per person, on virtual threads. Browser input is
 * validated here ({@link org.halley.bridges.irc.IrcArgs}) and every line is checked again on its
 * way to the socket ({@link org.halley.bridges.irc.SafeOutputRaw}): PircBotX 2.1 itself writes a
 * {@code \r} or {@code \r\n} inside a message as given, which a server then runs as a command.
 */
package org.halley.bridges.irc;
