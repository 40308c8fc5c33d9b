package org.halley.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Iterator;
import org.halley.config.LoggingConfig;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging} from the config to logback (at start-up and on a reload): the level of
 * Halley's own loggers, and text or JSON lines on standard output. Does nothing when SLF4J is not
 * bound to logback (an embedding application's own logging stays as it is).
 */
final class LogSetup {
    /** The text format of logback.xml. */
    static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";

    private LogSetup() {}

    static void apply(LoggingConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.getLogger("org.halley").setLevel(Level.toLevel(config.level().name()));
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                boolean json = config.format() == LoggingConfig.Format.JSON;
                if (json == console.getEncoder() instanceof JsonLogEncoder) {
                    continue;
                }
                Encoder<ILoggingEvent> encoder;
                if (json) {
                    encoder = new JsonLogEncoder();
                } else {
                    PatternLayoutEncoder text = new PatternLayoutEncoder();
                    text.setPattern(PATTERN);
                    encoder = text;
                }
                encoder.setContext(context);
                encoder.start();
                console.stop();
                console.setEncoder(encoder);
                console.start();
            }
        }
    }
}
