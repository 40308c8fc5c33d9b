package org.halley.gateway;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * {@code logging.format: text}: {@code 17:45:12.345 INFO  Gateway - message}, one line per event
 * whatever logged it (Halley, Netty, Smack through java.util.logging): see {@link LogLines}. With
 * {@link #setStackTraces} the stack trace follows its line (debug and trace levels only). Pure;
 * the appender writes what it returns.
 */
public final class TextLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final byte[] NONE = new byte[0];
    private volatile boolean stackTraces;

    /** Public, as logback.xml names this class. */
    public TextLogEncoder() {}

    /** Whether an exception's stack trace follows its line (set for {@code debug} and {@code trace}). */
    public void setStackTraces(boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(128);
        String level = e.getLevel().toString();
        String logger = e.getLoggerName();
        b.append(TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append(' ').append(level);
        b.append(" ".repeat(Math.max(0, 5 - level.length()))).append(' ');
        b.append(logger.substring(logger.lastIndexOf('.') + 1)).append(" - ").append(LogLines.message(e)).append('\n');
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null && stackTraces) {
            b.append(LogLines.stackTrace(t)).append(CoreConstants.LINE_SEPARATOR);
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
