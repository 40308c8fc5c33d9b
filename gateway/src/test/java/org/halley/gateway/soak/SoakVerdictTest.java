package org.halley.gateway.soak;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The soak's rules, without servers: what is owed, and that loss, duplicates and reordering fail it. */
class SoakVerdictTest {
    private static final Instant T0 = Instant.parse("2026-11-25T19:00:00Z");
    private Soak soak;
    private SoakBrowser alice;
    private SoakBrowser bob;

    @BeforeEach
    void browsers() {
        soak = new Soak(Soak.Params.ci(Path.of("unused.jar")));
        alice = new SoakBrowser(soak, 0, 0, SoakTransport.WEBSOCKET, "127.0.0.2");
        bob = new SoakBrowser(soak, 1, 0, SoakTransport.LONG_POLLING, "127.0.0.3");
        soak.browsers.add(alice);
        soak.browsers.add(bob);
        bob.event(json("{\"type\":\"joined\",\"network\":\"irc\",\"channel\":\"#soak0\",\"nick\":\"sk1\",\"self\":true,\"time\":\"" + T0 + "\"}"));
    }

    @AfterEach
    void stop() {
        soak.group.shutdownGracefully();
        soak.scheduler.shutdownNow();
    }

    private static JsonNode json(String s) {
        try {
            return SoakConnection.JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Alice said line k on IRC and got it back at {@code echoed}. */
    private void aliceSaid(long k, Instant echoed) {
        SoakBrowser.Said s = new SoakBrowser.Said("irc", k);
        s.outcome = SoakBrowser.Outcome.ACCEPTED;
        s.echoed = echoed;
        alice.irc.said.add(s);
    }

    private void bobGot(long k, Instant at) {
        bob.event(json("{\"type\":\"message\",\"network\":\"irc\",\"conversation\":\"#soak0\",\"from\":\"sk0\",\"text\":\"soak 0 " + k
                + " xx\",\"kind\":\"message\",\"self\":false,\"time\":\"" + at + "\"}"));
    }

    private SoakVerdict judge(Instant end) {
        bob.stop(end);
        alice.stop(end);
        Map<String, SoakCluster.NodeStats> stats = Map.of("n1", new SoakCluster.NodeStats("n1", 1, 2, 1000, 1000, 50, 40));
        return new SoakVerdict(soak, stats, stats, "", "", "", 1);
    }

    @Test
    void aLineEchoedWhileTheReceiverWasInTheChannelAndNeverReceivedIsLost() {
        aliceSaid(1, T0.plusSeconds(5));
        aliceSaid(2, T0.plusSeconds(10));
        bobGot(1, T0.plusSeconds(5));
        SoakVerdict v = judge(T0.plusSeconds(30));
        assertThat(v.owed).isEqualTo(2);
        assertThat(v.lost).isEqualTo(1);
        assertThat(v.failures()).anyMatch(f -> f.contains("owed lines lost") && f.contains("irc line 2 of browser 0"));
    }

    @Test
    void aLineEchoedWhileTheReceiverWasOutOfTheChannelIsNotOwed() {
        bob.event(json("{\"type\":\"disconnected\",\"network\":\"irc\",\"reason\":\"lost\",\"retryIn\":1000,\"time\":\"" + T0.plusSeconds(20) + "\"}"));
        aliceSaid(1, T0.plusSeconds(5));
        aliceSaid(2, T0.plusSeconds(19)); // within the margin of bob's loss: not judged
        aliceSaid(3, T0.plusSeconds(25)); // bob was out
        bobGot(1, T0.plusSeconds(5));
        SoakVerdict v = judge(T0.plusSeconds(30));
        assertThat(v.owed).isEqualTo(1);
        assertThat(v.lost).isZero();
        assertThat(v.notJudged).isEqualTo(2);
        assertThat(v.failures()).noneMatch(f -> f.contains("lost"));
    }

    @Test
    void aLineReceivedTwiceOrBeforeAnEarlierOneFailsTheSoak() {
        bobGot(2, T0.plusSeconds(5));
        bobGot(1, T0.plusSeconds(6));
        bobGot(1, T0.plusSeconds(7));
        assertThat(bob.irc.duplicates).isEqualTo(1);
        assertThat(bob.irc.reordered).isEqualTo(1);
        SoakVerdict v = judge(T0.plusSeconds(30));
        assertThat(v.failures()).anyMatch(f -> f.contains("received twice")).anyMatch(f -> f.contains("line 1 of browser 0 after line 2"));
    }
}
