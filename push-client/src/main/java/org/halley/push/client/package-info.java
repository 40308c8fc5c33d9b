/**
 * The application push API from Java, without Netty: {@link org.halley.push.client.HalleyPushClient}.
 * The same calls with curl:
 *
 * <pre>
 * curl -s -H "Authorization: Bearer $SECRET" -d '{"user":"alice"}' http://node-a:8080/push/api/sessions
 * curl -s -H "Authorization: Bearer $SECRET" -d '{"hello":1}' http://node-a:8080/push/api/sessions/a.3nV0.../events
 * </pre>
 */
package org.halley.push.client;
