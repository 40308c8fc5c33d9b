/**
 * The IRC bridge benchmark ({@code bench/irc}, {@link org.halley.bench.irc.IrcBench}): N browser
 * sessions on one gateway process, each bridged by its own IRC connection to a local ngircd, with
 * plain clients talking and a plain client's latency as the floor; and {@link
 * org.halley.bench.irc.BridgeMemoryProbe}, the IRC bridge's own heap per connection. Processes are
 * not pinned to cores: on a 2-core machine the gateway, ngircd and the load all need both.
 */
package org.halley.bench.irc;
