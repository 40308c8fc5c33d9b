package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked about the chat page without a browser: its scripts never turn strings into
 * markup, its HTML has no inline script, style or handlers, every string it shows is in the
 * English catalogue, the German catalogue has the same keys and parameters, and the page's
 * Content-Security-Policy.
 */
class ChatPageAssetsTest {
    /** The page's own scripts, every one in the web module but halley.js (the push client, with its own tests). */
    private static final List<String> SCRIPTS = scripts();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> scripts() {
        Path root = Path.of("..", "web", "src", "main", "resources", "halley-web");
        try (Stream<Path> files = Files.walk(root)) { // the page's modules, also in events/ and views/
            List<String> names = files.map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(n -> n.endsWith(".js") && !n.equals("halley.js")).sorted().toList();
            assertThat(names).contains("chat.js", "irc-format.js", "state.js", "events/message.js", "views/messages.js");
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String asset(String name) {
        try (InputStream in = ChatPageAssetsTest.class.getClassLoader().getResourceAsStream("halley-web/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode catalogue(String lang) {
        try {
            return JSON.readTree(asset("i18n/" + lang + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void scriptsNeverTurnStringsIntoMarkupOrCode() {
        Pattern sinks = Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|createContextualFragment|DOMParser"
                + "|\\beval\\s*\\(|new\\s+Function\\s*\\(|srcdoc|setAttribute\\(\\s*['\"](on|href|src|style)|\\.href\\s*=(?!=)|setTimeout\\(\\s*['\"`]");
        for (String name : SCRIPTS) {
            List<String> found = new ArrayList<>();
            String[] lines = asset(name).split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (sinks.matcher(lines[i]).find()) {
                    found.add(name + ":" + (i + 1) + ": " + lines[i].strip());
                }
            }
            if (name.equals("irc-format.js")) { // the one place a link is made, from safeHref's checked URL
                found.removeIf(l -> l.endsWith("el.href = link.value;"));
            }
            assertThat(found).as("markup or code sinks in " + name).isEmpty();
        }
    }

    @Test
    void pageHasNoInlineScriptStyleOrHandlers() {
        String html = asset("index.html");
        assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>", Pattern.CASE_INSENSITIVE).matcher(html).find()).as("inline <script>").isFalse();
        assertThat(Pattern.compile("\\son[a-z]+\\s*=", Pattern.CASE_INSENSITIVE).matcher(html).find()).as("on* handler attribute").isFalse();
        assertThat(Pattern.compile("\\sstyle\\s*=|<style", Pattern.CASE_INSENSITIVE).matcher(html).find()).as("inline style").isFalse();
        assertThat(html).doesNotContainIgnoringCase("javascript:");
    }

    @Test
    void everyStringOnThePageComesFromTheCatalogue() {
        String html = asset("index.html").replaceAll("(?s)<title>.*?</title>", "");
        Matcher text = Pattern.compile(">([^<]+)<").matcher(html);
        List<String> literal = new ArrayList<>();
        while (text.find()) {
            if (!text.group(1).isBlank()) {
                literal.add(text.group(1).strip());
            }
        }
        assertThat(literal).as("text written into index.html instead of data-i18n").isEmpty();

        JsonNode en = catalogue("en");
        Set<String> used = new TreeSet<>();
        Matcher attr = Pattern.compile("data-i18n(?:-[a-z-]+)?=\"([^\"]+)\"").matcher(asset("index.html"));
        while (attr.find()) {
            used.add(attr.group(1));
        }
        // t('key'), tNodes('key'), and {key: 'key', args} (a line the page says, rendered later)
        Pattern call = Pattern.compile("(?<![\\w.$])(?:t(?:Nodes)?\\(|key:)\\s*'([A-Za-z][\\w.-]*)'");
        for (String name : SCRIPTS) {
            Matcher m = call.matcher(asset(name));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        Matcher commands = Pattern.compile("export const COMMANDS = \\[([^\\]]+)]").matcher(asset("commands.js"));
        assertThat(commands.find()).isTrue();
        for (String c : commands.group(1).replaceAll("['\\s]", "").split(",")) {
            used.add("usage." + c);
            used.add("help." + c);
        }
        for (String code : List.of("invalid", "not-allowed", "not-connected", "unknown-network", "already-connected", "nick-in-use",
                "bad-nick", "no-such-nick", "no-such-channel", "cannot-send", "channel-full", "invite-only", "banned", "bad-key",
                "needs-account", "not-op", "not-on-channel", "too-many-channels", "send-failed", "not-supported",
                "members-only", "bad-password", "tls-required", "tls-failed", "no-such-server", "rate-limited", "unavailable", "error")) {
            used.add("problem." + code); // every code docs/protocol.md lists
        }
        for (String s : List.of("available", "away", "dnd", "xa", "offline")) {
            used.add("presence." + s);
        }
        assertThat(used).hasSizeGreaterThan(150).allSatisfy(key -> assertThat(en.has(key)).as("key '%s' in en.json", key).isTrue());
    }

    @Test
    void germanCatalogueHasEveryKeyWithTheSameParameters() {
        JsonNode en = catalogue("en");
        JsonNode de = catalogue("de");
        assertThat(names(de)).isEqualTo(names(en));
        for (Iterator<Map.Entry<String, JsonNode>> it = en.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            assertThat(params(de.get(e.getKey()))).as("parameters of %s", e.getKey()).isEqualTo(params(e.getValue()));
            assertThat(de.get(e.getKey()).isObject()).as("plural forms of %s", e.getKey()).isEqualTo(e.getValue().isObject());
        }
    }

    private static Set<String> names(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> params(JsonNode message) {
        Set<String> out = new TreeSet<>();
        List<JsonNode> forms = new ArrayList<>();
        if (message.isObject()) {
            message.elements().forEachRemaining(forms::add);
        } else {
            forms.add(message);
        }
        for (JsonNode f : forms) {
            Matcher m = Pattern.compile("\\{(\\w+)}").matcher(f.asText());
            while (m.find()) {
                if (!m.group(1).equals("count")) { // a language may leave the number out of a form ("one")
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    @Test
    void contentSecurityPolicyAllowsOnlyThePagesOwnScriptsAndConnections() {
        String csp = WebHandler.contentSecurityPolicy(URI.create("https://chat.example.org"),
                List.of("https://www.example.org", "https://blog.example.org"));
        assertThat(csp).contains("default-src 'none'", "script-src 'self';", "style-src 'self';", "object-src 'none'", "base-uri 'none'",
                        "connect-src 'self' wss://chat.example.org;", "frame-ancestors 'self' https://www.example.org https://blog.example.org")
                .doesNotContain("unsafe", "*", "data: 'self'");
        assertThat(WebHandler.contentSecurityPolicy(URI.create("http://127.0.0.1:8080"), List.of()))
                .contains("connect-src 'self' ws://127.0.0.1:8080;").endsWith("frame-ancestors 'self'");
    }
}
