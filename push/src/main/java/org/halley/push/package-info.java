/**
 * The push core: an embeddable Comet server. Sessions live on shards; each shard is one Netty event
 * loop that alone owns the sessions hashed to it, so delivery takes no locks.
 *
 * <pre>{@code
 * PushServer server = PushServer.builder()
 *         .server(config.server()).limits(config.limits()).node("a")
 *         .listener(myListener)          // opened/message/resumed/closed, on the shard's loop
 *         .build().start();
 * session.send("{\"hello\":\"world\"}"); // any thread
 * }</pre>
 *
 * Try it: {@code curl -XPOST -H 'Origin: http://localhost:8080' localhost:8080/push/session}
 * gives an id and a token; see {@code docs/protocol.md} for the rest.
 */
package org.halley.push;
