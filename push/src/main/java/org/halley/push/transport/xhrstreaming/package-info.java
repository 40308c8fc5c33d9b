/**
 * XHR streaming: {@code GET /push/stream?session=ID&token=T&last=N} (the token may instead be in
 * the {@code X-Halley-Token} header), answered {@code application/x-ndjson}: a 2 KiB prelude of
 * spaces, then one envelope per line. Read it with {@code fetch} and a stream reader, or XHR's
 * progress events.
 *
 * <p>Try it: {@code curl -N -H 'X-Halley-Token: T' 'localhost:8080/push/stream?session=ID&last=0'}.
 */
@NullMarked
package org.halley.push.transport.xhrstreaming;

import org.jspecify.annotations.NullMarked;
