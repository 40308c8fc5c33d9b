/**
 * The Halley application: {@link org.halley.gateway.Main} loads the config and starts a {@link
 * org.halley.gateway.Gateway}, which wires the push core, the bridges and the web assets. A {@link
 * org.halley.gateway.UserSession} joins one browser session to that person's bridge connections.
 */
package org.halley.gateway;
