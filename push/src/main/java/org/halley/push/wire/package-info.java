/**
 * The wire format, as pure code: what the server sends (envelopes) and how it reads what the
 * browser sends. No sockets, no sessions; {@code docs/protocol.md} is the specification.
 */
package org.halley.push.wire;
