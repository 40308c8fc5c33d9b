package org.halley.gateway;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.halley.config.ConfigException;
import org.halley.config.ConfigLoader;
import org.halley.config.HalleyConfig;

/**
 * {@code java -jar halley.jar --config halley.yaml}. Exit codes: 0 stopped cleanly, 1 could not
 * run (a port in use), 2 bad usage or a config with mistakes (each printed as file:line:column,
 * with no stack trace). {@code --check} reads what start-up reads (the config and every file it
 * names: certificates, keys, CA files) without binding or connecting, so a config it passes
 * starts unless a port is taken or a server is down.
 */
public final class Main {
    static final String USAGE = """
            Usage: halley --config FILE     run Halley with FILE (halley.yaml)
                   halley --check FILE      check FILE and exit: 0 when it is fine, 2 with its mistakes
                   halley --help            this text
                   halley --version         the version

            Halley puts IRC and XMPP chat in the web browser: each browser user gets their own
            connection to the networks listed in the config. Examples: config/examples/*.yaml;
            reference: docs/configuration.md. Values may use ${ENV_VAR} and ${ENV_VAR:-default}.
            """;

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs until stopped; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.print(USAGE);
            return 0;
        }
        if (args.length == 1 && args[0].equals("--version")) {
            out.println("halley " + Gateway.version());
            return 0;
        }
        if (args.length != 2 || !(args[0].equals("--config") || args[0].equals("--check"))) {
            err.print("halley: " + (args.length == 0 ? "no config given" : "unknown arguments " + String.join(" ", args)) + "\n\n" + USAGE);
            return 2;
        }
        HalleyConfig config;
        try {
            config = ConfigLoader.load(Path.of(args[1]));
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.println("halley: " + e.errors().size() + " mistake" + (e.errors().size() == 1 ? "" : "s") + " in " + args[1] + "; not started");
            return 2;
        } catch (RuntimeException | StackOverflowError e) { // the loader turns every mistake into a ConfigException; a bug still gets no trace
            err.println(args[1] + ": could not be read (" + e.getClass().getSimpleName() + "); not started");
            return 2;
        }
        if (args[0].equals("--check")) {
            out.println(args[1] + ": fine (" + config.bridges().size() + " networks)");
            return 0;
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(config, Path.of(args[1]));
        } catch (Exception e) {
            err.println("halley: could not start: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        ProcessSignals.install(gateway, stopped); // SIGTERM drains; SIGHUP reloads
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { // any other way out: stop at once
            try {
                gateway.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
        }, "halley-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
