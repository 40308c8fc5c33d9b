package org.halley.bench.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A DevTools connection of the bench's own to the page's tab, beside chromedriver's. The probe's
 * records arrive here through a binding ({@code Runtime.addBinding}) as the page makes them, so
 * reading them never waits for a page whose main thread is busy; commands (heap, GC) get a
 * deadline instead of waiting for ever. Events are handled on the WebSocket's thread.
 */
final class Cdp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> calls = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private Cdp(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects to the one page target of the Chromium whose DevTools listen at {@code debuggerAddress} (host:port). */
    static Cdp connect(String debuggerAddress, String binding, Consumer<String> onBinding) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://" + debuggerAddress + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String url = null;
        for (JsonNode t : JSON.readTree(list)) {
            if ("page".equals(t.path("type").asText())) {
                url = t.path("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (url == null) {
            throw new IOException("no page target at " + debuggerAddress + ": " + list);
        }
        Cdp[] self = new Cdp[1];
        WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    String message = text.toString();
                    text.setLength(0);
                    self[0].received(message, binding, onBinding);
                }
                w.request(1);
                return null;
            }
        }).join();
        self[0] = new Cdp(ws);
        self[0].call("Runtime.enable", Map.of(), Duration.ofSeconds(30));
        self[0].call("Runtime.addBinding", Map.of("name", binding), Duration.ofSeconds(30));
        return self[0];
    }

    private void received(String message, String binding, Consumer<String> onBinding) {
        try {
            JsonNode m = JSON.readTree(message);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = calls.remove(m.get("id").asInt());
                if (f != null) {
                    if (m.has("error")) {
                        f.completeExceptionally(new IOException(m.get("error").toString()));
                    } else {
                        f.complete(m.path("result"));
                    }
                }
            } else if ("Runtime.bindingCalled".equals(m.path("method").asText())
                    && binding.equals(m.path("params").path("name").asText())) {
                onBinding.accept(m.path("params").path("payload").asText());
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("cdp: cannot handle " + message.substring(0, Math.min(200, message.length())) + ": " + e);
        }
    }

    /** Sends a command and waits at most {@code timeout} for its answer. */
    JsonNode call(String method, Map<String, Object> params, Duration timeout) throws IOException {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        calls.put(id, f);
        ObjectNode m = JSON.createObjectNode().put("id", id).put("method", method);
        m.set("params", JSON.valueToTree(params));
        synchronized (socket) {
            socket.sendText(m.toString(), true).join();
        }
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            calls.remove(id);
            throw new IOException(method + ": no answer within " + timeout.toSeconds() + " s (the page is busy)");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(method + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        socket.abort();
    }
}
