package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the runnable jar carries that a plain class path would not show. */
class ShadedJarIT {
    @Test
    void smacksThreadsComeFromHalleysAsyncInTheJar() throws Exception {
        Path jar = Path.of(System.getProperty("halley.test.outputDir", "target"), "halley.jar");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> async = loader.loadClass("org.jivesoftware.smack.util.Async");
            // Only Halley's version (bridges module) has this field; Smack's would start platform threads.
            assertThat(async.getField("VIRTUAL").getBoolean(null)).isEqualTo(Runtime.version().feature() >= 24);
        }
    }
}
