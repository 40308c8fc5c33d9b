package org.halley.push;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Session ids and tokens. Both are 128 bits from {@link SecureRandom}, chosen by the server only
 * (no session fixation). The id is public (it appears in URLs and says which node owns the
 * session); the token is the secret that every request must carry.
 */
public final class SessionIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}\\.[A-Za-z0-9_-]{22}");

    private SessionIds() {}

    /** A new id for a session owned by {@code node}. */
    public static String newId(String node) {
        return node + "." + random128();
    }

    public static String newToken() {
        return random128();
    }

    /** Whether {@code s} has the shape of a session id (cheap check before any lookup). */
    public static boolean isWellFormed(String s) {
        return s != null && s.length() <= 55 && ID.matcher(s).matches();
    }

    /** The node named in a well-formed id. */
    public static String node(String id) {
        return id.substring(0, id.indexOf('.'));
    }

    /** Compares tokens in time independent of where they differ. */
    public static boolean tokenMatches(String expected, String given) {
        if (given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                given.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static String random128() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }
}
