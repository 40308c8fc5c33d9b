package org.halley.gateway;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log line ({@code logging.format: json}), flat so log shippers need no
 * parsing rules: {@code {"time":"2026-11-25T17:45:12.345Z","level":"INFO","logger":"org.halley.
 * gateway.Gateway","thread":"main","message":"…"}}, with {@code "error"} (the exception's class
 * and message, and its root cause's, on one line) when there is one, {@code "stack"} (its stack
 * trace) too with {@link #setStackTraces} (debug and trace levels), and the event's SLF4J
 * key-value pairs as fields of their own. Whatever logged it (Halley, Netty, Smack through
 * java.util.logging): see {@link LogLines}. Pure; the appender writes what it returns.
 */
final class JsonLogEncoder extends EncoderBase<ILoggingEvent> {
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] NONE = new byte[0];
    private volatile boolean stackTraces;

    /** Whether an exception's stack trace goes along as {@code "stack"} (set for {@code debug} and {@code trace}). */
    public void setStackTraces(boolean stackTraces) {
        this.stackTraces = stackTraces;
    }

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.ofEpochMilli(e.getTimeStamp()).toString());
            g.writeStringField("level", e.getLevel().toString());
            g.writeStringField("logger", e.getLoggerName());
            g.writeStringField("thread", e.getThreadName());
            g.writeStringField("message", e.getFormattedMessage()); // JSON escapes its line breaks
            if (e.getKeyValuePairs() != null) {
                for (KeyValuePair kv : e.getKeyValuePairs()) {
                    g.writeStringField(kv.key, String.valueOf(kv.value));
                }
            }
            IThrowableProxy t = e.getThrowableProxy();
            if (t != null) {
                g.writeStringField("error", LogLines.summary(t));
                if (stackTraces) {
                    g.writeStringField("stack", LogLines.stackTrace(t));
                }
            }
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        out.write('\n');
        return out.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }
}
