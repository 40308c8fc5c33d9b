/**
 * Long polling: {@code GET /push/poll?session=ID&token=T&last=N[&wait=0]} (token in the query or
 * the {@code X-Halley-Token} header), answered {@code application/json} with an array of
 * envelopes, {@code hello} first. The poll is held until there is something to say, or a heartbeat
 * interval has passed; {@code wait=0} answers at once. The client polls again at once with the
 * highest {@code seq} it has seen.
 *
 * <p>Try it: {@code curl 'localhost:8080/push/poll?session=ID&token=T&last=0&wait=0'}.
 */
@NullMarked
package org.halley.push.transport.longpolling;

import org.jspecify.annotations.NullMarked;
