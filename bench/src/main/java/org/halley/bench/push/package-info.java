/**
 * Push-core benchmarks: {@link org.halley.bench.push.BenchServer} (a push server with rooms, run as
 * its own process) and {@link org.halley.bench.push.PushLoad} (many client connections on one
 * transport). {@code bench/push-bench.sh SCENARIO} runs a scenario end to end; see the README's
 * "Measured figures".
 */
package org.halley.bench.push;
