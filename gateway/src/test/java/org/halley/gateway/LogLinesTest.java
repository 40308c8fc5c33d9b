package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLStreamException;
import org.junit.jupiter.api.Test;

/** Both log formats: one line per event, an exception summarised on it, its stack trace only at debug. */
class LogLinesTest {
    private static final LoggerContext CONTEXT = new LoggerContext();

    private static LoggingEvent event(String logger, Level level, String message, Throwable t) {
        return new LoggingEvent("x", CONTEXT.getLogger(logger), level, message, t, null);
    }

    private static Throwable smackLikeFailure() {
        return new IOException("Connection XMPPTCPConnection[alice@example.org] closed with error",
                new XMLStreamException("ParseError at [row,col]:[1,4096]\nMessage: XML document structures must start and end"));
    }

    @Test
    void textIsOneLineWithTheExceptionSummarisedAtInfo() {
        TextLogEncoder text = new TextLogEncoder();
        String line = new String(text.encode(event("org.jivesoftware.smack.AbstractXMPPConnection", Level.WARN,
                "Connection closed\nwith error", smackLikeFailure())), StandardCharsets.UTF_8);
        assertThat(line).endsWith("\n");
        assertThat(line.strip()).doesNotContain("\n", "\r", "\tat ");
        assertThat(line).contains("WARN  AbstractXMPPConnection - Connection closed with error [java.io.IOException: Connection "
                + "XMPPTCPConnection[alice@example.org] closed with error (caused by javax.xml.stream.XMLStreamException: ParseError");
    }

    @Test
    void textHasTheStackTraceAtDebugOnly() {
        TextLogEncoder text = new TextLogEncoder();
        text.setStackTraces(true);
        String lines = new String(text.encode(event("org.halley.bridges.xmpp.XmppConnection", Level.DEBUG, "lost", smackLikeFailure())),
                StandardCharsets.UTF_8);
        assertThat(lines.lines().count()).isGreaterThan(3);
        assertThat(lines).contains("\tat ").contains("Caused by: javax.xml.stream.XMLStreamException");
    }

    @Test
    void jsonIsOneLineWithTheSummaryAndTheStackOnlyAtDebug() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonLogEncoder json = new JsonLogEncoder();
        String line = new String(json.encode(event("org.jivesoftware.smack.roster.Roster", Level.WARN, "Roster not loaded\nwhile processing",
                smackLikeFailure())), StandardCharsets.UTF_8);
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode n = mapper.readTree(line);
        assertThat(n.path("error").asText()).startsWith("java.io.IOException: ").contains("caused by javax.xml.stream.XMLStreamException")
                .doesNotContain("\n");
        assertThat(n.has("stack")).isFalse();
        json.setStackTraces(true);
        JsonNode debug = mapper.readTree(new String(json.encode(event("x.Y", Level.DEBUG, "m", smackLikeFailure())), StandardCharsets.UTF_8));
        assertThat(debug.path("stack").asText()).contains("\tat ");
    }

    @Test
    void controlCharactersInAMessageCannotForgeALine() {
        assertThat(LogLines.oneLine("ok\r\n12:00:00.000 INFO  Gateway - forged\u2028x\u001b[31m")).doesNotContain("\n", "\r", "\u2028", "\u001b");
        assertThat(LogLines.oneLine(null)).isEmpty();
        assertThat(LogLines.oneLine("plain")).isEqualTo("plain");
    }
}
