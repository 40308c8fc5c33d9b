/**
 * The transports: thin adapters that carry a session's envelopes with their own framing. Each
 * implements {@link org.halley.push.Downstream}; sessions know nothing of how bytes travel.
 */
package org.halley.push.transport;
