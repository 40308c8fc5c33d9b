package org.halley.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.halley.testkit.Ports;
import org.halley.testkit.ServerProcess;

/**
 * One Halley node as it runs in production: {@code java -jar target/halley.jar --config nX.yaml}
 * in a process of its own, so SIGKILL and SIGTERM are real. Its output is appended to
 * {@code nX.log} across restarts.
 */
public final class ClusterNode extends ServerProcess {
    public final String node;
    public final int port;
    public final Path config;

    private ClusterNode(Path dir, String node, int port, Path config, List<String> command) {
        super(node, dir, command);
        this.node = node;
        this.port = port;
        this.config = config;
    }

    /** The jar the reactor built before the integration tests ({@code package} runs before them). */
    public static Path jar() {
        Path jar = Path.of(System.getProperty("halley.test.outputDir", "target"), "halley.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: run the integration tests through Maven "
                    + "(mvn verify packages the jar first)");
        }
        return jar;
    }

    /**
     * Writes {@code yaml} as {@code dir/node.yaml} and starts the node from {@code jar}; returns
     * once it listens on {@code port}.
     */
    static ClusterNode start(Path dir, Path jar, String node, int port, String yaml, List<String> jvmOptions) {
        try {
            Path config = Files.writeString(dir.resolve(node + ".yaml"), yaml);
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--config", config.toString()));
            ClusterNode n = new ClusterNode(dir, node, port, config, cmd);
            n.startAgain();
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the process (again, after a kill or a stop) with the same config and port. */
    public void startAgain() {
        startProcess();
        Ports.awaitListening(port, Duration.ofSeconds(90), process(), node + " (" + log() + "):\n" + logTail(30));
    }

    public long pid() {
        return process().pid();
    }

    public boolean alive() {
        return process() != null && process().isAlive();
    }

    /** SIGTERM, without waiting: the node drains and exits by itself. */
    public void terminate() {
        process().destroy();
    }

    /** Waits for the process to exit; its exit code, or -1 if it is still running. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process().exitValue() : -1;
    }
}
