package org.halley.gateway;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Another site (its own origin) whose page is whatever HTML the test puts in its URL: for embedding tests. */
final class HostPage implements AutoCloseable {
    private final HttpServer server;

    private HostPage(HttpServer server) {
        this.server = server;
    }

    static HostPage start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            s.createContext("/", exchange -> {
                String q = exchange.getRequestURI().getRawQuery();
                String body = q == null ? "" : URLDecoder.decode(q.substring(q.indexOf('=') + 1), StandardCharsets.UTF_8);
                byte[] bytes = ("<!doctype html><meta charset=utf-8><title>Host</title>" + body).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, bytes.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            });
            s.start();
            return new HostPage(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String origin() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String url(String html) {
        return origin() + "/?html=" + URLEncoder.encode(html, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
