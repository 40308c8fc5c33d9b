package org.halley.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The web assets, read once at start-up from the classpath ({@code halley-web/}, in the web
 * module's jar or a directory), so serving them never touches a disk on an event loop. Only
 * files that exist there can be served: no path from a request reaches a file system.
 */
final class StaticFiles {
    static final String ROOT = "halley-web";

    /** One asset: bytes, content type, a strong ETag. */
    record Asset(byte[] bytes, String contentType, String etag) {}

    private final Map<String, Asset> assets;

    private StaticFiles(Map<String, Asset> assets) {
        this.assets = Map.copyOf(assets);
    }

    static StaticFiles load() {
        URL root = StaticFiles.class.getClassLoader().getResource(ROOT);
        if (root == null) {
            throw new IllegalStateException(ROOT + "/ is not on the classpath (is halley-web a dependency?)");
        }
        Map<String, Asset> out = new HashMap<>();
        try {
            URI uri = root.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                walk(fs.provider().getPath(uri), out);
            } else {
                walk(Path.of(uri), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return new StaticFiles(out);
    }

    private static void walk(Path dir, Map<String, Asset> out) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = "/" + dir.relativize(p).toString().replace('\\', '/');
                byte[] bytes;
                try (InputStream in = Files.newInputStream(p)) {
                    bytes = in.readAllBytes();
                }
                out.put(name, new Asset(bytes, contentType(name), etag(bytes)));
            }
        }
    }

    /** The asset at {@code path} ({@code /} means {@code /index.html}), or null. */
    Asset get(String path) {
        return assets.get(path.equals("/") ? "/index.html" : path);
    }

    static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json" -> "application/json; charset=utf-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "txt" -> "text/plain; charset=utf-8";
            case "woff2" -> "font/woff2";
            default -> "application/octet-stream";
        };
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
