/**
 * The history store's benchmark ({@code bench/history}): bulk fill, then append rate, latest(100)
 * and search latency on SQLite and PostgreSQL. See the README's "Measured figures".
 */
package org.halley.bench.history;
