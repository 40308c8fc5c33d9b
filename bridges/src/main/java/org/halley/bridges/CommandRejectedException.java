package org.halley.bridges;

/** A command refused before it reached the network, naming the field at fault and why. */
public final class CommandRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String code;
    private final String field;

    public CommandRejectedException(String field, String message) {
        this("invalid", field, message);
    }

    public CommandRejectedException(String code, String field, String message) {
        super(field.isEmpty() ? message : field + ": " + message);
        this.code = code;
        this.field = field;
    }

    /** Stable code for programs ({@code invalid}, {@code not-allowed}, {@code not-connected}). */
    public String code() {
        return code;
    }

    /** The command field at fault ({@code channel}, {@code text}...), or empty. */
    public String field() {
        return field;
    }

    /** The reason without the field name. */
    public String reason() {
        String m = getMessage();
        return field.isEmpty() ? m : m.substring(field.length() + 2);
    }
}
