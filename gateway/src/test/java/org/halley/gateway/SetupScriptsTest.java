package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/packages.sh, which ./run and ./test use to install the Debian packages they need: as
 * root with apt-get it installs exactly the missing ones, with their services kept from starting
 * (a policy-rc.d that says 101, removed afterwards); as anyone else it prints the one command and
 * fails. {@code id} and {@code apt-get} are stand-ins on PATH that record how they were called:
 * the test must not install anything on the machine that runs it.
 */
class SetupScriptsTest {
    private static final Path ROOT = Path.of("..");

    private record Run(int exit, String out, String aptCalls) {}

    private static Run run(Path dir, int uid, String... specs) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path calls = dir.resolve("apt-calls");
        Path policy = dir.resolve("policy-rc.d");
        script(bin.resolve("id"), "#!/bin/sh\n[ \"$1\" = -u ] && echo " + uid + "\n");
        // Records its arguments, and (on install) what policy-rc.d said for a service start then.
        script(bin.resolve("apt-get"), "#!/bin/sh\necho \"$*\" >> " + calls + "\n"
                + "case \"$1 $2\" in install*) if [ -x " + policy + " ]; then " + policy + " ngircd start; echo \"policy-rc.d $?\" >> " + calls
                + "; else echo 'no policy-rc.d' >> " + calls + "; fi;; esac\n");
        String command = ". scripts/packages.sh && halley_need_packages test " + String.join(" ", specs) + " && echo ok";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().put("HALLEY_POLICY_RC_D", policy.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.exists(policy)).as("policy-rc.d is removed afterwards").isFalse();
        return new Run(p.exitValue(), out, Files.exists(calls) ? Files.readString(calls) : "");
    }

    private static void script(Path file, String text) throws Exception {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void asRootTheMissingPackagesAreInstalledOnceEachWithTheirServicesKeptFromStarting(@TempDir Path dir) throws Exception {
        Run r = run(dir, 0, "/nonexistent/halley-missing-a=pkg-a", "/bin/sh=dash", "/nonexistent/halley-missing-b=pkg-a",
                "halley-missing-c=pkg-c");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("test: installing pkg-a pkg-c").endsWith("ok\n");
        assertThat(r.aptCalls().lines().toList()).containsExactly("update -qq", "install -y -qq pkg-a pkg-c", "policy-rc.d 101");
    }

    @Test
    void asAnyoneElseItSaysTheOneCommandAndFailsWithoutInstalling(@TempDir Path dir) throws Exception {
        Run r = run(dir, 1000, "/nonexistent/halley-missing-a=pkg-a", "/bin/sh=dash", "halley-missing-c=pkg-c");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("test:   sudo apt-get install -y pkg-a pkg-c").doesNotContain("ok");
        assertThat(r.aptCalls()).isEmpty();
    }

    @Test
    void nothingIsInstalledWhenEverythingIsThere(@TempDir Path dir) throws Exception {
        Run r = run(dir, 0, "/bin/sh=dash", "bash=bash");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("ok\n");
        assertThat(r.aptCalls()).isEmpty();
    }

    @Test
    void theTestAndRunCommandsInstallThroughIt() throws Exception {
        for (String command : List.of("test", "run")) {
            String text = Files.readString(ROOT.resolve(command));
            assertThat(text).as(command).contains(". scripts/packages.sh", "halley_need_packages " + command + " ")
                    .doesNotContain("missing+=");
        }
    }
}
