package org.halley.bench.page;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
 * .text}. Driven from one thread (the bench's).
 */
final class Page implements AutoCloseable {
    private final BrowserFixture browser;
    private final String pageCpus;

    Page(String pageCpus) {
        this.pageCpus = pageCpus;
        browser = BrowserFixture.start();
        driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
        cdp("Page.enable", Map.of());
        cdp("Page.addScriptToEvaluateOnNewDocument", Map.of("source", resource("page-probe.js")));
        pin();
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
        js("window.__bench.expect(arguments[0], arguments[1], arguments[2])", tag, clients, perClient);
    }

    /** Lines of {@code tag} shown so far, or -1 if the page did not answer (busy) within the script timeout. */
    int count(String tag) {
        try {
            return ((Number) js("return window.__bench.count(arguments[0])", tag)).intValue();
        } catch (WebDriverException e) {
            return -1;
        }
    }

    /** Epoch ms each line of {@code tag} was first shown (0: never), by line index. */
    double[] shownTimes(String tag) {
        List<?> l = (List<?>) js("return window.__bench.times(arguments[0])", tag);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    /** Long tasks that started at or after {@code since} (epoch ms): pairs of start, duration. */
    List<double[]> longTasks(double since) {
        List<?> flat = (List<?>) js("return window.__bench.longtasks");
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            double start = ((Number) flat.get(i)).doubleValue();
            if (start >= since) {
                out.add(new double[] {start, ((Number) flat.get(i + 1)).doubleValue()});
            }
        }
        return out;
    }

    List<?> problems() {
        return (List<?>) js("return window.__bench.problems");
    }

    /** Lines in the message list now ({@code #messages > li.msg}) and elements in the document. */
    long[] domSize() {
        List<?> l = (List<?>) js("return [document.querySelectorAll('#messages > li.msg').length, document.getElementsByTagName('*').length]");
        return new long[] {((Number) l.get(0)).longValue(), ((Number) l.get(1)).longValue()};
    }

    /** The page's heap after two collections, bytes: V8's and, where Chromium reports it, Blink's (the DOM). */
    long[] heapAfterGc() {
        cdp("HeapProfiler.enable", Map.of());
        cdp("HeapProfiler.collectGarbage", Map.of());
        cdp("HeapProfiler.collectGarbage", Map.of());
        return heap();
    }

    long[] heap() {
        Map<String, Object> h = cdp("Runtime.getHeapUsage", Map.of());
        long used = ((Number) h.get("usedSize")).longValue();
        long embedder = h.get("embedderHeapUsedSize") instanceof Number n ? n.longValue() : 0;
        long backing = h.get("backingStorageSize") instanceof Number n ? n.longValue() : 0;
        return new long[] {used, embedder, backing};
    }

    /**
     * Clicks {@code channel} in the side list and times, in the page, until its last line
     * ({@code lastText}) is the last li.msg of #messages and a frame has been produced after it.
     * Returns {click handler ms, until the last line is in the DOM ms, until the frame after ms,
     * li.msg in the list}, or null if the line was not there within {@code timeoutMs}.
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> timeSwitch(String channel, String lastText, long timeoutMs) {
        driver().manage().timeouts().scriptTimeout(Duration.ofMillis(timeoutMs));
        try {
            return (Map<String, Object>) driver().executeAsyncScript(SWITCH, channel, lastText, timeoutMs);
        } catch (WebDriverException e) { // the click handler itself ran past the timeout
            return Map.of("error", "no answer within " + timeoutMs / 1000 + " s (" + e.getMessage().lines().findFirst().orElse("") + ")");
        } finally {
            driver().manage().timeouts().scriptTimeout(Duration.ofSeconds(120));
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
        browser.close();
    }
}
