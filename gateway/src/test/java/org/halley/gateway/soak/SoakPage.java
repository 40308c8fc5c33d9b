package org.halley.gateway.soak;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.halley.testkit.BrowserFixture;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * A real browser in the soak: headless Chromium on Halley's own chat page (halley.js, chat.js)
 * through the load balancer, on one forced transport, in one IRC channel. It only listens: every
 * event the page's client hands to the page is copied (by a script installed before the page's own)
 * and fed, once a second, to a listening {@link SoakBrowser}, so the verdict judges what the page
 * got by the same rules; a renewed session (a drain) ends its memberships there, as for the
 * protocol-level browsers. The harness does not cut it; drains and server restarts reach it.
 */
final class SoakPage implements AutoCloseable {
    /** Wraps onEvent and onReset of every client the page makes, before chat.js runs. */
    private static final String HOOK = """
            (() => {
              const q = window.__soakEvents = [];
              let current;
              Object.defineProperty(window, 'halleyClient', {configurable: true, get() { return current; }, set(c) {
                current = c;
                const onEvent = c.onEvent, onReset = c.onReset;
                c.onEvent = (e, seq) => { q.push(JSON.stringify(e)); return onEvent.call(c, e, seq); };
                c.onReset = d => { q.push(JSON.stringify({type: '__reset', renewed: !!(d && d.renewed)})); return onReset.call(c, d); };
              }});
            })();
            """;

    final SoakBrowser listener;
    int pollErrors;
    private final BrowserFixture chromium;

    SoakPage(Soak soak, int id, int group, SoakTransport transport) {
        listener = new SoakBrowser(soak, id, group, transport, "127.0.0.1");
        listener.listenOnly = true;
        chromium = BrowserFixture.start();
        chromium.driver().executeCdpCommand("Page.enable", Map.of());
        chromium.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", HOOK));
        String channel = listener.irc.target;
        chromium.driver().get(soak.url + "/?network=irc&channels=" + channel.replace("#", "%23") + "&transport=" + transport.wireName);
        chromium.waiting(Duration.ofSeconds(30)).until(ExpectedConditions.elementToBeClickable(By.id("connect-button"))).click();
    }

    /** Feeds what the page received since the last call to the listener. On one thread (the soak's page poller). */
    void poll() {
        List<String> events;
        try {
            @SuppressWarnings("unchecked")
            List<String> got = (List<String>) chromium.driver().executeScript("return window.__soakEvents ? window.__soakEvents.splice(0) : []");
            events = got;
        } catch (RuntimeException e) {
            pollErrors++; // the events stay queued in the page for the next poll
            return;
        }
        for (String json : events) {
            try {
                var e = SoakConnection.JSON.readTree(json);
                if ("__reset".equals(e.path("type").asText())) {
                    listener.pageReset(e.path("renewed").asBoolean());
                } else {
                    listener.pageEvent(e);
                }
            } catch (Exception ex) {
                listener.soak.failure(listener + ": page event not readable: " + json + ": " + ex);
            }
        }
    }

    boolean inChannel() {
        return listener.irc.joined;
    }

    void stop(Instant at) {
        listener.stop(at);
    }

    @Override
    public void close() {
        chromium.close();
    }
}
