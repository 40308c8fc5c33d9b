package org.halley.bench.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.halley.testkit.BrowserFixture;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The chat page in a fresh headless Chromium (testkit BrowserFixture: Debian's Chromium and
 * chromedriver, a fresh profile), with the probe (page-probe.js) installed before the page's own
 * scripts. Uses only the page's stable selectors: {@code #connect-button}, {@code #chat-screen},
 * {@code #networks button.conv[data-name]}, {@code #conv-title}, and {@code ol#messages > li.msg
 * .text}. The probe's records arrive through the bench's own DevTools socket ({@link Cdp}), so
 * reading them never waits for a busy page. Driven from one thread (the bench's); the records are
 * kept under this object's lock.
 */
final class Page implements AutoCloseable {
    private static final Duration CDP_WAIT = Duration.ofSeconds(60);
    private static final Duration CDP_GLANCE = Duration.ofSeconds(10);

    private final BrowserFixture browser;
    private final String pageCpus;
    private final Cdp devtools;
    // What the probe reported (on the DevTools socket's thread), read by the bench's thread: guarded by this.
    private final Map<String, double[]> shown = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private final List<double[]> longTasks = new ArrayList<>();

    Page(String pageCpus) throws IOException {
        this.pageCpus = pageCpus;
        browser = BrowserFixture.start();
        try {
            driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
            cdp("Page.enable", Map.of());
            cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", resource("page-probe.js")));
            Map<?, ?> chrome = (Map<?, ?>) driver().getCapabilities().getCapability("goog:chromeOptions");
            devtools = Cdp.connect(String.valueOf(chrome.get("debuggerAddress")), "__benchOut", this::records);
        } catch (IOException | RuntimeException e) {
            browser.close();
            throw e;
        } catch (InterruptedException e) {
            browser.close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        pin();
    }

    /** The probe's records: {@code L tag index time} (a line first shown) and {@code T start duration} (a long task). */
    private synchronized void records(String payload) {
        for (String r : payload.split("\n")) {
            String[] f = r.split(" ");
            if (f[0].equals("L") && f.length == 4) {
                double[] times = shown.get(f[1]);
                int i = Integer.parseInt(f[2]);
                if (times != null && i < times.length && times[i] == 0) {
                    times[i] = Double.parseDouble(f[3]);
                    counts.merge(f[1], 1, Integer::sum);
                }
            } else if (f[0].equals("T") && f.length == 3) {
                longTasks.add(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2])});
            }
        }
    }

    ChromeDriver driver() {
        return browser.driver();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> cdp(String command, Map<String, Object> params) {
        return browser.driver().executeCdpCommand(command, params);
    }

    Object js(String script, Object... args) {
        return driver().executeScript(script, args);
    }

    /**
     * Chromium's processes (browser, zygote, renderers, GPU, network) onto the page's CPUs; renderers
     * started later are forked from the pinned zygote and inherit it.
     */
    void pin() {
        if (pageCpus.isEmpty()) {
            return;
        }
        ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
                .forEach(p -> {
                    try {
                        new ProcessBuilder("taskset", "-a", "-p", "-c", pageCpus, String.valueOf(p.pid()))
                                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
    }

    /** CPU seconds used so far by Chromium's processes (the driver included). */
    double cpuSeconds() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("chrom")).orElse(false))
                .mapToDouble(p -> PageBench.cpuSeconds(p.pid())).sum();
    }

    /** Opens the connect screen for {@code channels} as {@code nick}, presses Connect, waits for the chat screen. */
    void connect(String base, String nick, List<String> channels) {
        String url = base + "/?network=bench&nick=" + nick + "&channels="
                + URLEncoder.encode(String.join(",", channels), StandardCharsets.UTF_8);
        driver().get(url);
        until("the page loaded", Duration.ofSeconds(60),
                () -> Boolean.TRUE.equals(js("return !!document.body && !document.body.classList.contains('loading')")));
        until("the connect button", Duration.ofSeconds(30), () -> {
            var b = driver().findElements(By.id("connect-button"));
            if (b.isEmpty() || !b.get(0).isDisplayed() || !b.get(0).isEnabled()) {
                return false;
            }
            b.get(0).click();
            return true;
        });
        until("the chat screen", Duration.ofSeconds(60), () -> driver().findElement(By.id("chat-screen")).isDisplayed());
        pin();
    }

    /** Shows {@code channel}: clicks it in the side list and waits for the header to name it. */
    void show(String channel) {
        until(channel + " in the side list and open", Duration.ofSeconds(60), () -> Boolean.TRUE.equals(js("""
                const b = document.querySelector('#networks button.conv[data-name="' + arguments[0] + '"]');
                const title = document.getElementById('conv-title');
                if (title && (title.textContent === arguments[0] || title.title === arguments[0])) return true;
                if (b && !b.__benchClicked) { b.__benchClicked = true; b.click(); }
                return false;
                """, channel)));
    }

    void expect(String tag, int clients, int perClient) {
        synchronized (this) {
            shown.put(tag, new double[clients * perClient]);
            counts.put(tag, 0);
        }
        js("window.__bench.expect(arguments[0], arguments[1], arguments[2])", tag, clients, perClient);
    }

    /** Lines of {@code tag} shown so far (as reported; never waits for the page). */
    synchronized int count(String tag) {
        return counts.getOrDefault(tag, 0);
    }

    /** Epoch ms each line of {@code tag} was first shown (0: never, so far), by line index. */
    synchronized double[] shownTimes(String tag) {
        return shown.get(tag).clone();
    }

    /** Long tasks reported that started at or after {@code since} (epoch ms): {start, duration}. */
    synchronized List<double[]> longTasks(double since) {
        return longTasks.stream().filter(t -> t[0] >= since).toList();
    }

    /** What the probe could not do (no long task observer), or why the page did not say. */
    String problems() {
        try {
            return String.valueOf(evaluate("JSON.stringify(window.__bench.problems)").asText());
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /** Lines in the message list now ({@code #messages > li.msg}) and elements in the document; null if the page is busy past the deadline. */
    long[] domSize() {
        try {
            String[] v = evaluate("document.querySelectorAll('#messages > li.msg').length + ' ' + document.getElementsByTagName('*').length")
                    .asText().split(" ");
            return new long[] {Long.parseLong(v[0]), Long.parseLong(v[1])};
        } catch (IOException e) {
            return null;
        }
    }

    private com.fasterxml.jackson.databind.JsonNode evaluate(String expression) throws IOException {
        return devtools.call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true), CDP_GLANCE)
                .path("result").path("value");
    }

    /** The page's heap after two collections, bytes: V8's and Blink's (the DOM, where Chromium reports it); null if the page is busy past the deadline. */
    long[] heapAfterGc() {
        try {
            devtools.call("HeapProfiler.enable", Map.of(), CDP_WAIT);
            devtools.call("HeapProfiler.collectGarbage", Map.of(), CDP_WAIT);
            devtools.call("HeapProfiler.collectGarbage", Map.of(), CDP_WAIT);
        } catch (IOException e) {
            return null;
        }
        return heap(CDP_WAIT);
    }

    /** The page's heap now, as {@link #heapAfterGc()} without collecting. */
    long[] heap() {
        return heap(CDP_GLANCE);
    }

    private long[] heap(Duration wait) {
        try {
            var h = devtools.call("Runtime.getHeapUsage", Map.of(), wait);
            return new long[] {h.path("usedSize").asLong(), h.path("embedderHeapUsedSize").asLong(), h.path("backingStorageSize").asLong()};
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Clicks {@code channel} in the side list and times, in the page, until its last line
     * ({@code lastText}) is the last li.msg of #messages and a frame has been produced after it.
     * Returns {click handler ms, until the last line is in the DOM ms, until the frame after ms,
     * li.msg in the list}, or null if the line was not there within {@code timeoutMs}.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> timeSwitch(String channel, String lastText, long timeoutMs) {
        // Left so: after a timeout chromedriver waits for the busy page, and so would resetting it.
        driver().manage().timeouts().scriptTimeout(Duration.ofMillis(timeoutMs));
        try {
            return (Map<String, Object>) driver().executeAsyncScript(SWITCH, channel, lastText, timeoutMs);
        } catch (WebDriverException e) { // the click handler itself ran past the timeout
            return Map.of("error", "no answer within " + timeoutMs / 1000 + " s (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static final String SWITCH = """
                const [name, lastText, timeoutMs, done] = arguments;
                const button = document.querySelector('#networks button.conv[data-name="' + name + '"]');
                if (!button) { done({error: 'no side-list button for ' + name}); return; }
                const lastLine = () => {
                  const list = document.getElementById('messages');
                  for (let li = list && list.lastElementChild; li; li = li.previousElementSibling) {
                    if (li.matches('li.msg')) { const t = li.querySelector('.text'); return t ? t.textContent.trim() : ''; }
                  }
                  return '';
                };
                const t0 = performance.now();
                button.click();
                const t1 = performance.now();
                const check = () => {
                  if (lastLine() === lastText) {
                    const shown = performance.now();
                    requestAnimationFrame(() => setTimeout(() => done({click: t1 - t0, shown: shown - t0, frame: performance.now() - t0,
                      lines: document.querySelectorAll('#messages > li.msg').length}), 0));
                  } else if (performance.now() - t0 > timeoutMs) {
                    done({error: 'last line ' + JSON.stringify(lastLine()) + ' after ' + timeoutMs + ' ms, not ' + lastText});
                  } else {
                    requestAnimationFrame(check);
                  }
                };
                check();
                """;

    /** Polls {@code condition} (tolerating a busy page) until it holds or {@code timeout} passes. */
    static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (WebDriverException e) {
                last = e;
            }
            sleep(200);
        }
        throw new IllegalStateException("not within " + timeout.toSeconds() + " s: " + what
                + (last == null ? "" : " (" + last.getMessage().lines().findFirst().orElse("") + ")"));
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Page.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            devtools.close();
        } finally {
            browser.close();
        }
    }
}
