package org.halley.gateway;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;

/**
 * What the text and JSON encoders share: one event is one line. A message's own line breaks and
 * control characters (libraries log multi-line texts) become spaces; an exception is summarised
 * on the same line as its class and message, and the root cause's ({@link #summary}); its stack
 * trace ({@link #stackTrace}) is written only when {@code logging.level} is {@code debug} or
 * {@code trace}. Pure.
 */
final class LogLines {
    private LogLines() {}

    /** {@code text} with every control character (CR, LF, tab, escape...) turned into one space. */
    static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean bad = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (bad && b == null) {
                b = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (b != null) {
                b.append(bad ? ' ' : c);
            }
        }
        return b == null ? text : b.toString();
    }

    /** {@code java.net.ConnectException: Connection refused (caused by ...)}, on one line. */
    static String summary(IThrowableProxy t) {
        IThrowableProxy root = t;
        for (int depth = 0; root.getCause() != null && depth < 32; depth++) {
            root = root.getCause();
        }
        String s = describe(t);
        return root == t ? s : s + " (caused by " + describe(root) + ")";
    }

    private static String describe(IThrowableProxy t) {
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClassName() : t.getClassName() + ": " + oneLine(m).strip();
    }

    /** The whole stack trace, lines and all: for {@code debug} and {@code trace} only. */
    static String stackTrace(IThrowableProxy t) {
        return ThrowableProxyUtil.asString(t);
    }

    /** The event's message on one line, with its exception's summary when it has one. */
    static String message(ILoggingEvent e) {
        String m = oneLine(e.getFormattedMessage());
        IThrowableProxy t = e.getThrowableProxy();
        return t == null ? m : m + " [" + summary(t) + "]";
    }
}
