package org.halley.testkit;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the real programs tests need, or fails saying how to install them. */
public final class Binaries {
    private Binaries() {}

    /**
     * The first existing path of {@code candidates}.
     *
     * @throws AssertionError naming the Debian package to install
     */
    public static Path require(String debianPackage, String... candidates) {
        for (String c : candidates) {
            Path p = Path.of(c);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("this test needs " + String.join(" or ", candidates)
                + ": install it with `apt-get install -y " + debianPackage + "` (.ci/run does)");
    }
}
