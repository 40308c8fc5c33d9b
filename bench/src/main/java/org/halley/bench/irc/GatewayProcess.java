package org.halley.bench.irc;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Halley gateway in a process of its own ({@code java -jar halley.jar --config …}), as it would
 * run in production, so that its heap, RSS and threads can be measured apart from the load.
 */
public final class GatewayProcess implements AutoCloseable {
    private static final Pattern USED = Pattern.compile("used (\\d+)K");

    private final Process process;
    private final Path jdk;
    final int port;

    /** What one measurement found. */
    public record Footprint(long heapUsedBytes, long rssBytes, int osThreads, int virtualThreads) {}

    private GatewayProcess(Process process, Path jdk, int port) {
        this.process = process;
        this.jdk = jdk;
        this.port = port;
    }

    public static GatewayProcess start(Path jdk, Path jar, Path config, int port, List<String> jvmOptions, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(jdk.resolve("bin/java").toString());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", jar.toString(), "--config", config.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        GatewayProcess g = new GatewayProcess(p, jdk, port);
        g.awaitHealthy(Duration.ofSeconds(60), log);
        return g;
    }

    public long pid() {
        return process.pid();
    }

    private void awaitHealthy(Duration timeout, Path log) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited:\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException | InterruptedException e) {
                // not yet
            }
            sleep(200);
        }
        throw new IllegalStateException("the gateway did not answer /healthz within " + timeout);
    }

    /** Heap after two full GCs, RSS and threads, as the OS and the JVM report them. */
    public Footprint measure() throws IOException {
        jcmd("GC.run");
        sleep(500);
        jcmd("GC.run");
        sleep(500);
        Matcher m = USED.matcher(jcmd("GC.heap_info"));
        long heap = m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
        long rss = -1;
        int threads = -1;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("\\D+", ""));
            }
        }
        return new Footprint(heap, rss, threads, virtualThreads());
    }

    /**
     * Native Memory Tracking (the gateway must run with {@code -XX:NativeMemoryTracking=summary}):
     * {@code baseline} remembers now, {@code summary.diff} says what grew since by category.
     */
    String nativeMemory(String what) throws IOException {
        return jcmd("VM.native_memory", what);
    }

    /** The biggest classes on the heap now (jcmd GC.class_histogram), top {@code lines}. */
    String histogram(int lines) throws IOException {
        String[] all = jcmd("GC.class_histogram").split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, 0, Math.min(all.length, lines + 3)));
    }

    /** Virtual threads alive now, from a JSON thread dump. */
    private int virtualThreads() throws IOException {
        Path dump = Files.createTempFile("halley-threads-", ".json");
        Files.delete(dump);
        try {
            jcmd("Thread.dump_to_file", "-format=json", dump.toString());
            String json = Files.readString(dump);
            int count = 0;
            for (int i = json.indexOf("\"virtual\": true"); i >= 0; i = json.indexOf("\"virtual\": true", i + 1)) {
                count++;
            }
            return count;
        } finally {
            Files.deleteIfExists(dump);
        }
    }

    private String jcmd(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(jdk.resolve("bin/jcmd").toString(), String.valueOf(pid())));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
