package org.halley.push.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/**
 * Why a JSON text from outside (a browser, an application's server) could not be read, in
 * Halley's words: what was wrong and where (a character offset), never Jackson's exception text,
 * which names its classes and limits' methods ({@code StreamReadConstraints.getMaxNestingDepth()})
 * and echoes the input ({@code [Source: ...; line: 1, column: 40]}).
 */
public final class JsonProblems {
    private JsonProblems() {}

    /** What was wrong with the text, for a 400 or a {@code problem} event; {@code limits} are the reader's. */
    public static String describe(JsonProcessingException e, StreamReadConstraints limits) {
        String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        String at = at(e);
        if (e instanceof StreamConstraintsException) {
            if (m.contains("nesting depth")) {
                return "nested more than " + limits.getMaxNestingDepth() + " levels deep" + at;
            }
            if (m.contains("Number value length")) {
                return "a number longer than " + limits.getMaxNumberLength() + " digits" + at;
            }
            if (m.contains("String value length")) {
                return "a string longer than " + limits.getMaxStringLength() + " characters" + at;
            }
            if (m.contains("Name length")) {
                return "a field name longer than " + limits.getMaxNameLength() + " characters" + at;
            }
            return "too large to read" + at;
        }
        if (e instanceof JsonEOFException || m.startsWith("Unexpected end-of-input")) {
            return "not JSON: it ends inside a value (an object, list or string is not closed)";
        }
        if (m.startsWith("Illegal unquoted character") || m.startsWith("Illegal character")) {
            return "not JSON: a control character inside a string must be escaped" + at;
        }
        if (m.contains("out of range") || m.startsWith("Invalid numeric value") || m.contains("Leading zeroes")) {
            return "not JSON: a number is not written as JSON or is out of range" + at;
        }
        if (m.startsWith("Unrecognized token")) {
            return "not JSON: a word that is not true, false or null" + at;
        }
        if (m.startsWith("Unexpected close marker") || m.contains("was expecting comma")
                || m.contains("was expecting double-quote")) {
            return "not JSON: a bracket, comma or quote is missing or extra" + at;
        }
        if (m.startsWith("Unrecognized character escape")) {
            return "not JSON: a backslash escape JSON does not have" + at;
        }
        if (m.contains("Invalid UTF-8") || m.contains("Invalid surrogate") || m.contains("surrogate")) {
            return "not JSON: a character is not valid Unicode" + at;
        }
        return "not JSON" + at;
    }

    private static String at(JsonProcessingException e) {
        if (e.getLocation() == null || e.getLocation().getCharOffset() < 0) {
            return "";
        }
        return " (at character " + (e.getLocation().getCharOffset() + 1) + ")";
    }
}
