package org.halley.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Debian's nginx as a reverse proxy in front of a server under test, run in the foreground as one
 * process ({@code master_process off}) with its prefix, pid, logs and temp files in a fresh
 * directory. The caller gives the {@code location /} block's directives, so a test can build a
 * proxy that refuses WebSocket upgrades or buffers streamed responses.
 */
public final class NginxFixture extends ServerProcess {
    private final int port;

    private NginxFixture(Path dir, Path nginx, int port) {
        super("nginx", dir, List.of(nginx.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString()));
        this.port = port;
    }

    /**
     * Starts nginx on a free port of 127.0.0.1, proxying to {@code upstreamPort} with {@code
     * locationDirectives} (e.g. {@code proxy_buffering off;}) inside {@code location /}.
     */
    public static NginxFixture start(int upstreamPort, String locationDirectives) {
        int port = Ports.free();
        return startHttp(port, dir -> """
                  server {
                    listen 127.0.0.1:%d;
                    location / {
                      proxy_pass http://127.0.0.1:%d;
                      proxy_read_timeout 120s;
                      %s
                    }
                  }
                """.formatted(port, upstreamPort, locationDirectives));
    }

    /**
     * Starts nginx with {@code http} as the body of its {@code http { }} block, given the fixture's
     * directory (for included files) and listening on {@code port} (which {@code http} must say):
     * for testing whole configurations such as deploy/nginx/.
     */
    public static NginxFixture startHttp(int port, java.util.function.Function<Path, String> http) {
        Path nginx = Binaries.require("nginx", "/usr/sbin/nginx");
        try {
            Path dir = Files.createTempDirectory("halley-nginx-");
            Files.writeString(dir.resolve("nginx.conf"), """
                    daemon off;
                    master_process off;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log warn;
                    events { worker_connections 1024; }
                    http {
                      access_log %1$s/access.log;
                      client_body_temp_path %1$s/client_body;
                      proxy_temp_path %1$s/proxy;
                      fastcgi_temp_path %1$s/fastcgi;
                      uwsgi_temp_path %1$s/uwsgi;
                      scgi_temp_path %1$s/scgi;
                    %2$s
                    }
                    """.formatted(dir, http.apply(dir)));
            NginxFixture f = new NginxFixture(dir, nginx, port);
            f.startProcess();
            Ports.awaitListening(port, Duration.ofSeconds(10), f.process(), "nginx (" + f.log() + ", " + dir.resolve("error.log") + ")");
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public int port() {
        return port;
    }
}
