/**
 * The application push API: how a server that is not Halley's own gateway sends events to
 * sessions and users, and prebinds sessions. See {@code docs/protocol.md}.
 *
 * <p>Try it: {@code curl -si -H "Authorization: Bearer $SECRET" -d '{"hello":1}'
 * localhost:8080/push/api/sessions/ID/events}.
 */
@NullMarked
package org.halley.push.api;

import org.jspecify.annotations.NullMarked;
