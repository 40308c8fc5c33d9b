/**
 * The YAML model of Halley: {@link org.halley.config.ConfigLoader} reads {@code halley.yaml} into
 * immutable records ({@link org.halley.config.HalleyConfig} and its parts) or fails with a {@link
 * org.halley.config.ConfigException} that names file, line, column and field of every mistake.
 *
 * <p>This package imports nothing else of Halley. Records are immutable and safe to share between
 * threads; a reload builds a new {@code HalleyConfig} and swaps one reference.
 */
package org.halley.config;
