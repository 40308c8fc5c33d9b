package org.halley.bridges;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Why a connection ended or could not be made, as a person may be told it: a stable {@code code}
 * that the page's catalogue translates ({@code connection-lost}, {@code tls-failed}...), and at
 * most {@code text} the network itself meant for people (an IRC {@code ERROR} line, an XMPP
 * stream error's text, the person's own quit message), cleaned by {@link #clean}. Never an
 * exception's message or class, which may name internal addresses and span lines: those are for
 * the operator's log.
 *
 * <p>Codes: {@code quit} (the person left), {@code connection-lost}, {@code server-unreachable}
 * (refused, no route), {@code server-not-found} (the name does not resolve), {@code timed-out},
 * {@code tls-failed}, {@code tls-required}, {@code auth-failed}, {@code auth-unsupported}, {@code
 * server-closed} (the server ended the link and said why), {@code banned}, {@code killed}, {@code
 * throttled}, {@code nick-in-use}, {@code bad-nick}, {@code bad-password} (IRC's server password),
 * {@code internal-error}. docs/protocol.md lists them too.
 */
public record DisconnectReason(String code, String text) {
    /** At most this many characters of the network's text reach a person. */
    public static final int MAX_TEXT = 300;

    public static final String QUIT = "quit";
    public static final String CONNECTION_LOST = "connection-lost";
    public static final String SERVER_UNREACHABLE = "server-unreachable";
    public static final String SERVER_NOT_FOUND = "server-not-found";
    public static final String TIMED_OUT = "timed-out";
    public static final String TLS_FAILED = "tls-failed";
    public static final String TLS_REQUIRED = "tls-required";
    public static final String AUTH_FAILED = "auth-failed";
    public static final String AUTH_UNSUPPORTED = "auth-unsupported";
    public static final String SERVER_CLOSED = "server-closed";
    public static final String INTERNAL_ERROR = "internal-error";

    /** Every code a {@code Disconnected} may carry (the page's catalogue has a text for each). */
    public static final List<String> CODES = List.of(QUIT, CONNECTION_LOST, SERVER_UNREACHABLE, SERVER_NOT_FOUND, TIMED_OUT,
            TLS_FAILED, TLS_REQUIRED, AUTH_FAILED, AUTH_UNSUPPORTED, SERVER_CLOSED, "banned", "killed", "throttled",
            "nick-in-use", "bad-nick", "bad-password", INTERNAL_ERROR);

    public DisconnectReason {
        Objects.requireNonNull(code, "code");
        text = clean(text);
    }

    /** A code with no words of the network's. */
    public static DisconnectReason of(String code) {
        return new DisconnectReason(code, "");
    }

    /**
     * What {@code e} (anywhere in its cause chain) means for the person: {@code tls-failed}, {@code
     * server-not-found}, {@code timed-out}, {@code server-unreachable}, {@code internal-error}
     * (an {@link Error}) or else {@code connection-lost}. Never its message.
     */
    public static DisconnectReason of(Throwable e) {
        return of(code(e));
    }

    /** The code alone; see {@link #of(Throwable)}. */
    public static String code(Throwable e) {
        if (cause(e, SSLException.class, CertificateException.class) != null) {
            return TLS_FAILED;
        }
        if (cause(e, UnknownHostException.class) != null) {
            return SERVER_NOT_FOUND;
        }
        if (cause(e, SocketTimeoutException.class, TimeoutException.class) != null) {
            return TIMED_OUT;
        }
        if (cause(e, ConnectException.class, NoRouteToHostException.class, PortUnreachableException.class) != null) {
            return SERVER_UNREACHABLE;
        }
        if (e instanceof Error) {
            return INTERNAL_ERROR;
        }
        return CONNECTION_LOST;
    }

    /**
     * Text from the network, fit to show: control characters (line breaks, NUL, escapes) become
     * spaces, runs of spaces one, at most {@link #MAX_TEXT} characters (never a split surrogate
     * pair), trimmed; null is empty. IRC formatting codes go too: this is a reason, not a message.
     */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_TEXT));
        boolean space = true;
        for (int i = 0; i < text.length() && b.length() < MAX_TEXT; i++) {
            char c = text.charAt(i);
            boolean blank = Character.isISOControl(c) || Character.isWhitespace(c) || c == '\u2028' || c == '\u2029'
                    || (Character.getType(c) == Character.FORMAT && c != '\u200d');
            if (blank) {
                if (!space) {
                    b.append(' ');
                    space = true;
                }
                continue;
            }
            if (Character.isHighSurrogate(c) && b.length() + 1 >= MAX_TEXT) {
                break;
            }
            b.append(c);
            space = false;
        }
        return b.toString().strip();
    }

    /** The first of {@code types} in {@code e}'s cause chain, or null. */
    @SafeVarargs
    public static Throwable cause(Throwable e, Class<? extends Throwable>... types) {
        int depth = 0;
        for (Throwable t = e; t != null && depth++ < 32; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }

    /**
     * For the operator's log (one line): the exception's class and message, with line breaks
     * folded, and the same for its root cause when that differs.
     */
    public static String oneLine(Throwable e) {
        Throwable root = e;
        int depth = 0;
        while (root.getCause() != null && root.getCause() != root && depth++ < 32) {
            root = root.getCause();
        }
        String s = describe(e);
        return root == e ? s : s + " (caused by " + describe(root) + ")";
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        String name = e.getClass().getName();
        return m == null || m.isBlank() ? name : name + ": " + m.replaceAll("\\s+", " ").strip();
    }
}
