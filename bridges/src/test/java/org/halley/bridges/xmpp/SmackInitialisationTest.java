package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.halley.config.ConfigLoader;
import org.halley.config.XmppBridgeConfig;
import org.jivesoftware.smack.SmackConfiguration;
import org.junit.jupiter.api.Test;

/**
 * Smack initialises itself once per process (it parses its config files and loads hundreds of
 * providers in a class initialiser). That must happen when an XMPP bridge is built, at Halley's
 * start, and not in the first person's login, where it ran on their connection's virtual thread
 * and took over ten seconds on a busy machine (LogsIT's XMPP login, issue 13).
 *
 * <p>Smack's state is per JVM and other tests in this one have long initialised it, so the check
 * runs in a fresh JVM on this test class path ({@link #main}).
 */
class SmackInitialisationTest {
    @Test
    void buildingAnXmppBridgeInitialisesSmackBeforeAnyoneLogsIn() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), SmackInitialisationTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out.lines().toList()).as(out).contains("before the bridge: false", "after the bridge, before any connection: true");
    }

    /** In the fresh JVM: builds a bridge (no connection) and says whether Smack was initialised. */
    public static void main(String[] args) throws Exception {
        System.out.println("before the bridge: " + SmackConfiguration.isSmackInitialized());
        XmppBridgeConfig config = (XmppBridgeConfig) ConfigLoader.parse("test.yaml", """
                bridges:
                  - name: jabber
                    kind: xmpp
                    host: 127.0.0.1
                    port: 5222
                    domain: halley.test
                """).bridges().get(0);
        new XmppBridge(config);
        System.out.println("after the bridge, before any connection: " + SmackConfiguration.isSmackInitialized());
        System.exit(0); // nothing connected
    }
}
