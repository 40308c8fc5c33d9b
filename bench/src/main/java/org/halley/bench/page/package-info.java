/**
 * The chat page benchmark ({@code bench/page}, {@link org.halley.bench.page.PageBench}): the real
 * page in headless Chromium under IRC floods from a local ngircd through one gateway process,
 * timed by a probe the page does not know about (page-probe.js). Chromium may be pinned to its own
 * CPUs, apart from ngircd, the gateway and the IRC clients.
 */
package org.halley.bench.page;
