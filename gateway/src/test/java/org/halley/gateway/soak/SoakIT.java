package org.halley.gateway.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The soak in two minutes (60 browsers on every transport, 1 IRC and 1 XMPP restart, 200 cuts, 1
 * drain; the README has the 20-minute one, {@code bench/soak}): nothing owed is lost, duplicated
 * or reordered, and the nodes' files, memory and threads do not grow. The whole report is written
 * to {@code target/soak-report.txt}.
 */
class SoakIT {
    @Test
    void chatSurvivesServerRestartsCutsAndADrainWithoutLossDuplicatesOrGrowth() throws Exception {
        Path jar = Path.of(System.getProperty("halley.test.outputDir", "target"), "halley.jar");
        SoakVerdict v = new Soak(Soak.Params.ci(jar)).run();
        Files.writeString(Path.of(System.getProperty("halley.test.outputDir", "target"), "soak-report.txt"), v.report() + "\n" + v.perSession());
        System.out.println(v.report());
        assertThat(v.failures()).as(v.report()).isEmpty();
    }
}
