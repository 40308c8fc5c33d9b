package org.halley.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.halley.testkit.BrowserFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chat page's state, event handlers, outbox and message rendering, unit-tested in headless
 * Chromium without a gateway: a static page (test resources, page-tests/) imports the page's own
 * modules from the classpath and runs its tests (page-tests/harness.js); this reports each.
 */
class PageModulesBrowserIT {
    static BrowserFixture browser;
    static HttpServer server;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", PageModulesBrowserIT::serve);
        server.start();
        browser = BrowserFixture.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (server != null) {
            server.stop(0);
        }
    }

    /** /halley-web/… from the page's resources, /page-tests/… from the tests' (its i18n/ the page's); nothing else. */
    static void serve(HttpExchange x) throws IOException {
        String path = x.getRequestURI().getPath().replace("/page-tests/i18n/", "/halley-web/i18n/"); // i18n.js loads relative to the page
        boolean allowed = (path.startsWith("/halley-web/") || path.startsWith("/page-tests/")) && !path.contains("..");
        try (x; InputStream in = allowed ? PageModulesBrowserIT.class.getResourceAsStream(path) : null) {
            if (in == null) {
                x.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = in.readAllBytes();
            String type = path.endsWith(".js") ? "text/javascript" : path.endsWith(".css") ? "text/css"
                    : path.endsWith(".json") ? "application/json" : "text/html";
            x.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
        }
    }

    @Test
    void stateHandlersOutboxAndRenderingPassTheirTestsInABrowser() {
        browser.driver().get("http://127.0.0.1:" + server.getAddress().getPort() + "/page-tests/index.html");
        browser.waiting(Duration.ofSeconds(60))
                .withMessage(() -> "the test page never finished: " + browser.driver().executeScript("return String(window.results)"))
                .until(d -> browser.driver().executeScript("return window.results") != null);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) browser.driver().executeScript("return window.results");
        assertThat(results).as("tests run").hasSizeGreaterThan(20);
        assertThat(results.stream().filter(r -> !Boolean.TRUE.equals(r.get("ok"))).map(r -> r.get("name") + ": " + r.get("error")).toList())
                .as("failed page tests").isEmpty();
    }
}
