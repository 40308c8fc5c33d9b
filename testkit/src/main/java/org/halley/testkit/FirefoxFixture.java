package org.halley.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Debian's Firefox ESR, headless, with a fresh profile, driven over WebDriver BiDi, the protocol
 * Firefox speaks itself ({@code --remote-debugging-port}): Debian packages no geckodriver, and
 * none is downloaded. Only what the tests need: navigate, evaluate script, type keys, and a
 * script run before each page's own.
 *
 * <pre>{@code
 * try (FirefoxFixture ff = FirefoxFixture.start()) {
 *     ff.navigate("http://127.0.0.1:8080/");
 *     String title = ff.eval("document.title");
 * }
 * }</pre>
 */
public final class FirefoxFixture extends ServerProcess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** Quiet, offline-friendly prefs: no updates, telemetry, remote settings or first-run pages. */
    private static final String PREFS = """
            user_pref("app.update.disabledForTesting", true);
            user_pref("browser.shell.checkDefaultBrowser", false);
            user_pref("browser.startup.homepage_override.mstone", "ignore");
            user_pref("browser.aboutwelcome.enabled", false);
            user_pref("datareporting.policy.dataSubmissionEnabled", false);
            user_pref("toolkit.telemetry.enabled", false);
            user_pref("services.settings.server", "http://127.0.0.1:1/");
            user_pref("network.captive-portal-service.enabled", false);
            user_pref("network.connectivity-service.enabled", false);
            user_pref("extensions.update.enabled", false);
            user_pref("browser.safebrowsing.update.enabled", false);
            user_pref("remote.prefs.recommended", true);
            """;

    private final int port;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private WebSocket socket;
    private String context;

    private FirefoxFixture(Path dir, List<String> command, int port) {
        super("firefox", dir, command);
        this.port = port;
    }

    public static FirefoxFixture start() {
        Path firefox = Binaries.require("firefox-esr", "/usr/bin/firefox-esr");
        try {
            Path dir = Files.createTempDirectory("halley-firefox-");
            Path profile = Files.createDirectory(dir.resolve("profile"));
            Files.writeString(profile.resolve("user.js"), PREFS);
            int port = Ports.free();
            FirefoxFixture f = new FirefoxFixture(dir, List.of(firefox.toString(), "--headless", "--no-remote", "--profile",
                    profile.toString(), "--remote-debugging-port", String.valueOf(port), "about:blank"), port);
            f.startProcess();
            try {
                Ports.awaitListening(port, Duration.ofSeconds(60), f.process(), "firefox (" + f.log() + ")");
                f.connect();
            } catch (RuntimeException | Error e) {
                f.stop();
                throw e;
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected Map<String, String> environment() {
        return Map.of("MOZ_HEADLESS", "1", "MOZ_CRASHREPORTER_DISABLE", "1", "HOME", dir.toString());
    }

    private void connect() {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/session"), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            received(partial.toString());
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                        pending.values().forEach(f -> f.completeExceptionally(new IOException("BiDi closed: " + code + " " + reason)));
                        return null;
                    }
                }).join();
        command("session.new", JSON.createObjectNode().set("capabilities", JSON.createObjectNode()));
        context = command("browsingContext.getTree", JSON.createObjectNode()).get("contexts").get(0).get("context").asText();
    }

    private void received(String text) {
        try {
            JsonNode m = JSON.readTree(text);
            if (m.has("id")) {
                CompletableFuture<JsonNode> f = pending.remove(m.get("id").asLong());
                if (f != null) {
                    f.complete(m);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one BiDi command and returns its result; an error answer is an AssertionError. */
    public synchronized JsonNode command(String method, ObjectNode params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode m = JSON.createObjectNode().put("id", id).put("method", method);
        m.set("params", params);
        socket.sendText(m.toString(), true).join();
        try {
            JsonNode r = answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!"success".equals(r.path("type").asText())) {
                throw new AssertionError(method + " failed: " + r);
            }
            return r.get("result");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError(method + ": no answer (" + e + "); firefox log:\n" + logTail(20), e);
        }
    }

    /** Runs {@code functionDeclaration} (e.g. {@code "() => { ... }"}) in every page before its own scripts. */
    public void preload(String functionDeclaration) {
        command("script.addPreloadScript", JSON.createObjectNode().put("functionDeclaration", functionDeclaration));
    }

    /** Goes to {@code url} and waits until it has loaded. */
    public void navigate(String url) {
        command("browsingContext.navigate", JSON.createObjectNode().put("context", context).put("url", url).put("wait", "complete"));
    }

    /**
     * Evaluates {@code expression} in the page (promises are awaited) and returns its value as a
     * string: a string as it is, anything else as BiDi serialized it. A thrown error is an
     * AssertionError.
     */
    public String eval(String expression) {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("awaitPromise", true)
                .put("resultOwnership", "none");
        params.set("target", JSON.createObjectNode().put("context", context));
        JsonNode r = command("script.evaluate", params);
        if (!"success".equals(r.path("type").asText())) {
            throw new AssertionError("script failed: " + expression + ": " + r.path("exceptionDetails"));
        }
        JsonNode v = r.get("result");
        return "string".equals(v.path("type").asText()) ? v.get("value").asText() : v.path("value").toString();
    }

    /** Presses each character of {@code text} on the keyboard, into whatever has the focus. */
    public void type(String text) {
        ArrayNode keys = JSON.createArrayNode();
        text.codePoints().forEach(c -> {
            String k = Character.toString(c);
            keys.addObject().put("type", "keyDown").put("value", k);
            keys.addObject().put("type", "keyUp").put("value", k);
        });
        ObjectNode source = JSON.createObjectNode().put("type", "key").put("id", "keyboard");
        source.set("actions", keys);
        ObjectNode params = JSON.createObjectNode().put("context", context);
        params.set("actions", JSON.createArrayNode().add(source));
        command("input.performActions", params);
    }

    /** Firefox's version, as it reports it. */
    public String version() {
        try {
            Process p = new ProcessBuilder(Binaries.require("firefox-esr", "/usr/bin/firefox-esr").toString(), "--version")
                    .redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return v;
        } catch (IOException e) {
            return "firefox-esr (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "firefox-esr";
        }
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                command("session.end", JSON.createObjectNode());
            }
        } catch (AssertionError | RuntimeException e) {
            // stopping anyway
        } finally {
            super.close();
        }
    }
}
