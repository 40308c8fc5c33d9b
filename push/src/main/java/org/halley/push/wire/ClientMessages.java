package org.halley.push.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what a browser sends: one message {@code {"cseq":5,"data":<json>}}, an array of them (a
 * POST may carry several), or the client heartbeat {@code {"type":"hb"}}. {@code cseq} numbers a
 * session's messages from 1 so that a message resent after a reconnect is processed once.
 */
public final class ClientMessages {
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(32).maxNumberLength(32).build();
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().streamReadConstraints(LIMITS).build());

    /** One message from the browser; {@code data} is compact JSON text. */
    public record ClientMessage(long cseq, String data) {}

    /** A message that does not follow the protocol; {@code getMessage()} says why, for a 400. */
    public static final class BadMessageException extends Exception {
        private static final long serialVersionUID = 1L;

        public BadMessageException(String reason) {
            super(reason);
        }
    }

    private ClientMessages() {}

    public static List<ClientMessage> parse(String text) throws BadMessageException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadMessageException(JsonProblems.describe(e, LIMITS));
        }
        if (root == null || root.isMissingNode()) {
            throw new BadMessageException("empty message");
        }
        List<ClientMessage> out = new ArrayList<>();
        if (root.isArray()) {
            if (root.size() > 1000) {
                throw new BadMessageException("more than 1000 messages in one batch");
            }
            for (JsonNode n : root) {
                add(n, out);
            }
        } else {
            add(root, out);
        }
        return out;
    }

    private static void add(JsonNode n, List<ClientMessage> out) throws BadMessageException {
        if (!n.isObject()) {
            throw new BadMessageException("a message must be a JSON object");
        }
        JsonNode type = n.get("type");
        if (type != null) {
            if (type.isTextual() && type.asText().equals("hb") && n.size() == 1) {
                return;
            }
            throw new BadMessageException("unknown message type");
        }
        JsonNode cseq = n.get("cseq");
        JsonNode data = n.get("data");
        if (cseq == null || !cseq.canConvertToLong() || !cseq.isIntegralNumber() || cseq.asLong() < 1) {
            throw new BadMessageException("cseq must be a whole number >= 1");
        }
        if (data == null) {
            throw new BadMessageException("data is missing");
        }
        if (n.size() != 2) {
            throw new BadMessageException("a message has only cseq and data");
        }
        out.add(new ClientMessage(cseq.asLong(), data.toString()));
    }
}
