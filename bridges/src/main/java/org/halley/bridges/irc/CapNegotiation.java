package org.halley.bridges.irc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * IRCv3 capability negotiation ({@code CAP LS 302}, {@code REQ}, {@code ACK}/{@code NAK}, {@code
 * NEW}/{@code DEL}) and SASL PLAIN with the person's own account. Requests only what the server
 * offers and Halley understands; registration goes on ({@code CAP END}) whatever the server
 * answers, and a failed SASL login is reported, not fatal. Pure: lines in, lines out.
 *
 * <p>Not thread-safe: owned by the connection's reader thread.
 */
final class CapNegotiation {
    /** What Halley asks for when offered; all change only what the server sends. */
    static final List<String> WANTED = List.of(
            "server-time", "echo-message", "multi-prefix", "away-notify", "account-notify", "message-tags", "cap-notify");

    /** Where the negotiation's results go. */
    interface Out {
        /** Writes a line now, ahead of any queued ones (registration waits for it). */
        void sendNow(String line);

        /** A problem the person should know about ({@code sasl-failed}...). */
        void problem(String code, String message);

        /** Logged in to {@code account} (900 RPL_LOGGEDIN). */
        void loggedIn(String account);
    }

    private final String account;
    private final String password;
    private final Out out;
    private final Set<String> enabled = new HashSet<>();
    private final List<String> offered = new ArrayList<>();
    private boolean ended;
    private boolean saslStarted;

    /** {@code account} empty: no SASL. */
    CapNegotiation(String account, String password, Out out) {
        this.account = account;
        this.password = password;
        this.out = out;
    }

    void start() {
        out.sendNow("CAP LS 302");
    }

    boolean enabled(String cap) {
        return enabled.contains(cap);
    }

    /** Whether registration is no longer held up by negotiation. */
    boolean ended() {
        return ended;
    }

    /** Registration completed (001): whatever was pending is over. */
    void registered() {
        ended = true;
    }

    /** Handles {@code m} if it is part of the negotiation; true when it was. */
    boolean onLine(IrcMessage m) {
        switch (m.command()) {
            case "CAP" -> {
                cap(m);
                return true;
            }
            case "AUTHENTICATE" -> {
                if (saslStarted && m.param(0).equals("+")) {
                    authenticate();
                }
                return true;
            }
            case "900" -> {
                out.loggedIn(m.param(2));
                return true;
            }
            case "903" -> {
                end();
                return true;
            }
            case "902", "904", "905", "906", "907" -> {
                if (saslStarted) {
                    out.problem("sasl-failed", "the network did not log you in as " + account + ": " + m.last()
                            + " (connected without an account)");
                }
                saslStarted = false;
                end();
                return true;
            }
            case "908" -> {
                return true; // the mechanisms it has; 904 follows
            }
            case "421", "451" -> {
                if (m.param(1).equalsIgnoreCase("CAP") || m.param(0).equalsIgnoreCase("CAP")) {
                    ended = true; // a server without CAP: it registers us as soon as it has NICK and USER
                    if (!account.isEmpty()) {
                        out.problem("sasl-unavailable", "this network does not offer SASL; connected without logging in as " + account);
                    }
                    return true;
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private void cap(IrcMessage m) {
        String sub = m.param(1).toUpperCase(java.util.Locale.ROOT);
        switch (sub) {
            case "LS" -> {
                boolean more = m.params().size() > 3 && m.param(2).equals("*");
                for (String c : m.last().split(" ")) {
                    if (!c.isEmpty()) {
                        offered.add(c);
                    }
                }
                if (!more && !ended) {
                    request();
                }
            }
            case "ACK" -> {
                boolean sasl = false;
                for (String c : m.last().split(" ")) {
                    if (c.startsWith("-")) {
                        enabled.remove(c.substring(1));
                    } else if (!c.isEmpty()) {
                        enabled.add(c);
                        sasl |= c.equals("sasl");
                    }
                }
                if (sasl && !account.isEmpty() && !ended) {
                    saslStarted = true;
                    out.sendNow("AUTHENTICATE PLAIN");
                } else if (!saslStarted) {
                    end();
                }
            }
            case "NAK" -> {
                if (!account.isEmpty() && m.last().contains("sasl")) {
                    out.problem("sasl-unavailable", "the network refused SASL; connected without logging in as " + account);
                }
                end();
            }
            case "NEW" -> {
                List<String> want = new ArrayList<>();
                for (String c : m.last().split(" ")) {
                    String name = name(c);
                    if (WANTED.contains(name) && !enabled.contains(name)) {
                        want.add(name);
                    }
                }
                if (!want.isEmpty()) {
                    out.sendNow("CAP REQ :" + String.join(" ", want));
                }
            }
            case "DEL" -> {
                for (String c : m.last().split(" ")) {
                    enabled.remove(name(c));
                }
            }
            default -> { }
        }
    }

    private void request() {
        List<String> want = new ArrayList<>();
        boolean saslOffered = false;
        for (String c : offered) {
            String name = name(c);
            if (WANTED.contains(name)) {
                want.add(name);
            }
            if (name.equals("sasl")) {
                String mechs = c.indexOf('=') < 0 ? "" : c.substring(c.indexOf('=') + 1);
                saslOffered = mechs.isEmpty() || List.of(mechs.split(",")).contains("PLAIN");
            }
        }
        offered.clear();
        if (!account.isEmpty()) {
            if (saslOffered) {
                want.add("sasl");
            } else {
                out.problem("sasl-unavailable", "this network does not offer SASL PLAIN; connected without logging in as " + account);
            }
        }
        if (want.isEmpty()) {
            end();
        } else {
            out.sendNow("CAP REQ :" + String.join(" ", want));
        }
    }

    private void authenticate() {
        byte[] raw = (account + '\0' + account + '\0' + password).getBytes(StandardCharsets.UTF_8);
        String encoded = Base64.getEncoder().encodeToString(raw);
        for (int i = 0; i < encoded.length(); i += 400) {
            out.sendNow("AUTHENTICATE " + encoded.substring(i, Math.min(encoded.length(), i + 400)));
        }
        if (encoded.length() % 400 == 0) {
            out.sendNow("AUTHENTICATE +");
        }
    }

    private void end() {
        if (!ended) {
            ended = true;
            out.sendNow("CAP END");
        }
    }

    private static String name(String cap) {
        int eq = cap.indexOf('=');
        return eq < 0 ? cap : cap.substring(0, eq);
    }
}
