package org.halley.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.MutableCapabilities;
import org.openqa.selenium.remote.RemoteWebDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * WebKit, the engine of Safari (which does not run here): Debian's WebKitGTK MiniBrowser, driven
 * by Debian's WebKitWebDriver, on a private Xvfb display (MiniBrowser has no headless mode).
 * Never a downloaded browser.
 */
public final class WebKitFixture implements AutoCloseable {
    private static final String MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

    private final ServerProcess xvfb;
    private final ServerProcess webdriver;
    private final RemoteWebDriver driver;

    private WebKitFixture(ServerProcess xvfb, ServerProcess webdriver, RemoteWebDriver driver) {
        this.xvfb = xvfb;
        this.webdriver = webdriver;
        this.driver = driver;
    }

    public static WebKitFixture start() {
        Path xvfbBinary = Binaries.require("xvfb", "/usr/bin/Xvfb");
        Path driverBinary = Binaries.require("webkit2gtk-driver", "/usr/bin/WebKitWebDriver");
        Binaries.require("webkit2gtk-driver", MINIBROWSER);
        Logger.getLogger("org.openqa.selenium").setLevel(Level.WARNING);
        ServerProcess xvfb = null;
        ServerProcess webdriver = null;
        try {
            Path dir = Files.createTempDirectory("halley-webkit-");
            int display = freeDisplay();
            xvfb = new ServerProcess("xvfb", dir, List.of(xvfbBinary.toString(), ":" + display, "-screen", "0", "1280x800x24",
                    "-nolisten", "tcp")) { };
            xvfb.startProcess();
            awaitDisplay(display, xvfb);
            int port = Ports.free();
            Map<String, String> env = Map.of("DISPLAY", ":" + display, "HOME", dir.toString());
            webdriver = new ServerProcess("webkitwebdriver", dir, List.of(driverBinary.toString(), "--port=" + port)) {
                @Override
                protected Map<String, String> environment() {
                    return env;
                }
            };
            webdriver.startProcess();
            Ports.awaitListening(port, Duration.ofSeconds(30), webdriver.process(), "WebKitWebDriver");
            MutableCapabilities caps = new MutableCapabilities(Map.of("webkitgtk:browserOptions",
                    Map.of("binary", MINIBROWSER, "args", List.of("--automation"))));
            RemoteWebDriver driver = new RemoteWebDriver(URI.create("http://127.0.0.1:" + port).toURL(), caps);
            return new WebKitFixture(xvfb, webdriver, driver);
        } catch (IOException e) {
            stopAll(webdriver, xvfb);
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            stopAll(webdriver, xvfb);
            throw e;
        }
    }

    private static void stopAll(ServerProcess... processes) {
        for (ServerProcess p : processes) {
            if (p != null) {
                p.stop();
            }
        }
    }

    /** A display number with no X server (nor a stale lock) yet. */
    private static int freeDisplay() {
        for (int n = 90 + (int) (ProcessHandle.current().pid() % 50); ; n++) {
            if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n)) && !Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
                return n;
            }
        }
    }

    private static void awaitDisplay(int display, ServerProcess xvfb) {
        Path socket = Path.of("/tmp/.X11-unix/X" + display);
        Waiting.until("Xvfb :" + display + " to start", Duration.ofSeconds(15),
                () -> Files.exists(socket) || !xvfb.process().isAlive(), () -> xvfb.logTail(10));
        if (!Files.exists(socket)) {
            throw new IllegalStateException("Xvfb :" + display + " exited: " + xvfb.logTail(10));
        }
    }

    public RemoteWebDriver driver() {
        return driver;
    }

    public WebDriverWait waiting(Duration timeout) {
        return new WebDriverWait(driver, timeout);
    }

    /** WebKitGTK's version, as the driver reports it. */
    public String version() {
        return "WebKitGTK " + driver.getCapabilities().getBrowserVersion();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            webdriver.stop();
            xvfb.stop();
        }
    }
}
