/**
 * Server-Sent Events: {@code GET /push/sse?session=ID&token=T&last=N}, answered {@code
 * text/event-stream}; each envelope is {@code [id: <seq>\n]data: <json>\n\n}. A {@code
 * Last-Event-ID} header, when present, takes the place of {@code last}.
 *
 * <p>Try it: {@code curl -N 'localhost:8080/push/sse?session=ID&token=T&last=0'} after creating a
 * session with {@code curl -XPOST localhost:8080/push/session}.
 */
@NullMarked
package org.halley.push.transport.sse;

import org.jspecify.annotations.NullMarked;
