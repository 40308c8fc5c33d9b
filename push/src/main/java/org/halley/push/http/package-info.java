/**
 * HTTP routing of the push core: session creation, browser-to-server POSTs, the hand-over of
 * transport requests to their handlers, and the checks every request meets first (origin, token,
 * size). Try: {@code curl -si -XPOST -H 'Origin: http://localhost:8080' localhost:8080/push/session}.
 */
package org.halley.push.http;
