/**
 * WebSocket transport: {@code GET /push/ws?session=ID&token=T&last=N}, upgraded; one envelope per
 * text frame down, client messages (or a batch) per text frame up, each answered with an {@code
 * ack}.
 *
 * <p>Try it: {@code websocat 'ws://localhost:8080/push/ws?session=ID&token=T&last=0'}, or {@code
 * curl --include --no-buffer -H 'Connection: Upgrade' -H 'Upgrade: websocket' -H
 * 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' 'localhost:8080/push/ws?session=ID&token=T&last=0'}
 * (curl shows the frames raw), after creating a session with {@code curl -XPOST localhost:8080/push/session}.
 */
@NullMarked
package org.halley.push.transport.websocket;

import org.jspecify.annotations.NullMarked;
