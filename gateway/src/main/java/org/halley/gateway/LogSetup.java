package org.halley.gateway;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.util.Iterator;
import java.util.List;
import org.halley.config.LoggingConfig;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Applies {@code logging} from the config to logback (at start-up and on a reload): the level of
 * Halley's own loggers and of the libraries', and text or JSON lines on standard output, one per
 * event (stack traces only at {@code debug} and {@code trace}). Routes java.util.logging (Smack's)
 * into the same lines instead of JUL's own two-line records on standard error. Does nothing when
 * SLF4J is not bound to logback (an embedding application's own logging stays as it is).
 */
final class LogSetup {
    /** Libraries whose warnings are chatter for an operator ("Roster not loaded"): shown from {@code debug} on. */
    static final List<String> CHATTY = List.of("org.jivesoftware", "org.jxmpp", "org.minidns");

    private LogSetup() {}

    static void apply(LoggingConfig config) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        routeJavaUtilLogging();
        Level level = Level.toLevel(config.level().name());
        context.getLogger("org.halley").setLevel(level);
        boolean debug = level.toInt() <= Level.DEBUG_INT;
        Level libraries = level == Level.TRACE ? Level.TRACE : debug ? Level.INFO : Level.ERROR;
        for (String name : CHATTY) {
            context.getLogger(name).setLevel(libraries); // the propagator sets JUL's level to match
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof ConsoleAppender<ILoggingEvent> console) {
                boolean json = config.format() == LoggingConfig.Format.JSON;
                Encoder<ILoggingEvent> now = console.getEncoder();
                if (json && now instanceof JsonLogEncoder j) {
                    j.setStackTraces(debug);
                    continue;
                }
                if (!json && now instanceof TextLogEncoder t) {
                    t.setStackTraces(debug);
                    continue;
                }
                Encoder<ILoggingEvent> encoder;
                if (json) {
                    JsonLogEncoder j = new JsonLogEncoder();
                    j.setStackTraces(debug);
                    encoder = j;
                } else {
                    TextLogEncoder t = new TextLogEncoder();
                    t.setStackTraces(debug);
                    encoder = t;
                }
                encoder.setContext(context);
                encoder.start();
                console.stop();
                console.setEncoder(encoder);
                console.start();
            }
        }
    }

    /** java.util.logging → SLF4J, once; JUL's own console handler goes (it writes two lines per record). */
    static synchronized void routeJavaUtilLogging() {
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }
}
