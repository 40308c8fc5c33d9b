package org.halley.config;

/**
 * One mistake in a config file, printed the way compilers do so editors can jump to it:
 * {@code halley.yaml:14:5: bridges[0].port: 70000 is not a port (1-65535)}.
 *
 * @param file the file as the operator named it
 * @param line 1-based; 0 when the mistake has no place (the file is missing)
 * @param column 1-based; 0 with line 0
 * @param field the path of the field ({@code bridges[0].port}); empty for the whole file
 * @param message what is wrong and what is allowed
 */
public record ConfigError(String file, int line, int column, String field, String message) {

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(file);
        if (line > 0) {
            s.append(':').append(line).append(':').append(column);
        }
        s.append(": ");
        if (!field.isEmpty()) {
            s.append(field).append(": ");
        }
        return s.append(message).toString();
    }
}
