/**
 * Per-user upstream chat connections behind one neutral model. A {@link
 * org.halley.bridges.Bridge} is one configured network; {@link
 * org.halley.bridges.Bridge#connect} opens one person's own connection to it. What the person
 * does arrives as a {@link org.halley.bridges.ChatCommand}; what the network says leaves as a
 * {@link org.halley.bridges.ChatEvent}, the same records for IRC and XMPP.
 *
 * <p>Threads: each connection reads on its own virtual thread and delivers its events to the
 * {@link org.halley.bridges.ChatEventSink}, one at a time, in the order the server sent them.
 * Commands are validated on the caller's thread (cheap, never blocking) and then queued for the
 * connection's writer (a virtual thread; for IRC, paced by flood control). This package never
 * sees Netty or the push core.
 */
package org.halley.bridges;
