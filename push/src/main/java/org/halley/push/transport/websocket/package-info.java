/**
 * WebSocket transport: {@code GET /push/ws?session=ID&token=T&last=N}, upgraded; one envelope per
 * text frame down, client messages (or a batch) per text frame up.
 *
 * <p>Try it: {@code websocat 'ws://localhost:8080/push/ws?session=ID&token=T&last=0'} after
 * creating a session with {@code curl -XPOST localhost:8080/push/session}.
 */
package org.halley.push.transport.websocket;
