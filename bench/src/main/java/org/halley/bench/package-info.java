/**
 * Benchmarks. Each scenario is one command documented in the README with its figures; load runs in
 * processes of its own, pinned apart from the server with {@code taskset}, and latency is measured
 * from a timestamp in the payload with a constant-rate sender, recorded in HdrHistogram. Nothing here
 * runs in {@code ./test}.
 */
package org.halley.bench;
