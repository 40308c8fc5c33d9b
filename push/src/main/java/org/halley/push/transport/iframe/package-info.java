/**
 * Hidden-iframe streaming (htmlfile): {@code GET /push/iframe?session=ID&token=T&last=N&callback=NAME},
 * answered {@code text/html}: a document head that binds {@code p} to {@code parent.NAME}, a
 * kilobyte of padding, then {@code <script nonce=...>p(<json>)</script>} per envelope. Works only
 * when the page and Halley share an origin (the iframe calls into its parent).
 *
 * <p>Try it: {@code curl -N 'localhost:8080/push/iframe?session=ID&token=T&last=0&callback=halley'},
 * or open a page that defines {@code function halley(m) {...}} and frames that URL.
 */
@NullMarked
package org.halley.push.transport.iframe;

import org.jspecify.annotations.NullMarked;
