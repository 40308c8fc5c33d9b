package org.halley.bridges.irc;

import java.util.Locale;

/**
 * What a server announced in its {@code 005 RPL_ISUPPORT} lines, with the RFC's values until it
 * has: the channel prefixes, member prefixes and their modes, which modes take a parameter, and
 * the lengths Halley checks browser input against. Written by the reader thread only; each field
 * is volatile so that callers validating a command on their own thread see what was announced.
 */
final class Isupport {
    /** Member modes and their symbols in rank order, highest first: {@code (qaohv)~&@%+}. */
    private volatile String prefixModes = "ov";
    private volatile String prefixSymbols = "@+";
    private volatile String chantypes = "#&";
    /** CHANMODES groups: A (list, always a parameter), B (always), C (only when set), D (never). */
    private volatile String listModes = "beI";
    private volatile String alwaysModes = "k";
    private volatile String setModes = "l";
    /** 0 until the server says (the RFC's 9 is smaller than what nearly every server allows). */
    private volatile int nickLength;
    private volatile int channelLength = 50;
    private volatile int topicLength = 390;
    private volatile int kickLength = 255;
    private volatile int awayLength = 200;
    private volatile int modesPerLine = 3;
    private volatile boolean rfc1459Case = true;
    private volatile String statusMessage = "";
    private volatile String network = "";

    /** Reads the tokens of one 005 line (without the nick and the trailing text). */
    void parse(Iterable<String> tokens) {
        for (String token : tokens) {
            int eq = token.indexOf('=');
            String key = (eq < 0 ? token : token.substring(0, eq)).toUpperCase(Locale.ROOT);
            String value = eq < 0 ? "" : token.substring(eq + 1);
            switch (key) {
                case "PREFIX" -> {
                    int close = value.indexOf(')');
                    if (value.startsWith("(") && close > 0 && value.length() - close - 1 == close - 1) {
                        prefixModes = value.substring(1, close);
                        prefixSymbols = value.substring(close + 1);
                    } else if (value.isEmpty()) {
                        prefixModes = "";
                        prefixSymbols = "";
                    }
                }
                case "CHANTYPES" -> chantypes = value;
                case "CHANMODES" -> {
                    String[] groups = value.split(",", -1);
                    if (groups.length >= 4) {
                        listModes = groups[0];
                        alwaysModes = groups[1];
                        setModes = groups[2];
                    }
                }
                case "NICKLEN", "MAXNICKLEN" -> nickLength = number(value, nickLength);
                case "CHANNELLEN" -> channelLength = number(value, channelLength);
                case "TOPICLEN" -> topicLength = number(value, topicLength);
                case "KICKLEN" -> kickLength = number(value, kickLength);
                case "AWAYLEN" -> awayLength = number(value, awayLength);
                case "MODES" -> modesPerLine = value.isEmpty() ? 12 : number(value, modesPerLine);
                case "CASEMAPPING" -> rfc1459Case = !value.equalsIgnoreCase("ascii");
                case "STATUSMSG" -> statusMessage = value;
                case "NETWORK" -> network = value;
                default -> { }
            }
        }
    }

    private static int number(String v, int fallback) {
        try {
            int n = Integer.parseInt(v);
            return n > 0 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    String chantypes() {
        return chantypes.isEmpty() ? "#" : chantypes;
    }

    boolean isChannel(String name) {
        return !name.isEmpty() && chantypes().indexOf(name.charAt(0)) >= 0;
    }

    /** {@code @#chan} (a message to the channel's ops) names {@code #chan}. */
    String stripStatus(String target) {
        int i = 0;
        while (i < target.length() - 1 && statusMessage.indexOf(target.charAt(i)) >= 0) {
            i++;
        }
        return target.substring(i);
    }

    /** The symbol ({@code @}) of member mode {@code mode} ({@code o}), or 0. */
    char symbolOf(char mode) {
        int i = prefixModes.indexOf(mode);
        return i < 0 ? 0 : prefixSymbols.charAt(i);
    }

    boolean isPrefixSymbol(char c) {
        return prefixSymbols.indexOf(c) >= 0;
    }

    /** {@code symbols} in rank order, highest first, without duplicates. */
    String sortPrefix(String symbols) {
        StringBuilder b = new StringBuilder(symbols.length());
        for (int i = 0; i < prefixSymbols.length(); i++) {
            if (symbols.indexOf(prefixSymbols.charAt(i)) >= 0) {
                b.append(prefixSymbols.charAt(i));
            }
        }
        return b.toString();
    }

    /** The neutral role of the highest symbol in {@code prefix}. */
    String role(String prefix) {
        if (prefix.isEmpty()) {
            return "";
        }
        int i = prefixSymbols.indexOf(prefix.charAt(0));
        char mode = i < 0 ? 0 : prefixModes.charAt(i);
        return switch (mode) {
            case 'q' -> "owner";
            case 'a' -> "admin";
            case 'o' -> "op";
            case 'h' -> "halfop";
            case 'v' -> "voice";
            default -> switch (prefix.charAt(0)) {
                case '~' -> "owner";
                case '&' -> "admin";
                case '@' -> "op";
                case '%' -> "halfop";
                case '+' -> "voice";
                default -> "";
            };
        };
    }

    /** Whether channel mode {@code mode} takes a parameter when set ({@code adding}) or unset. */
    boolean takesParameter(char mode, boolean adding) {
        if (prefixModes.indexOf(mode) >= 0 || listModes.indexOf(mode) >= 0 || alwaysModes.indexOf(mode) >= 0) {
            return true;
        }
        return adding && setModes.indexOf(mode) >= 0;
    }

    boolean isListMode(char mode) {
        return listModes.indexOf(mode) >= 0;
    }

    /** How {@link #fold} compares names, for clients that compare them too: rfc1459 or ascii. */
    String casemapping() {
        return rfc1459Case ? "rfc1459" : "ascii";
    }

    /** The server's case folding: {@code []\~} are the upper case of {@code {}|^} unless CASEMAPPING=ascii. */
    String fold(String name) {
        StringBuilder b = null;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            char f = c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
            if (rfc1459Case) {
                f = switch (c) {
                    case '[' -> '{';
                    case ']' -> '}';
                    case '\\' -> '|';
                    case '~' -> '^';
                    default -> f;
                };
            }
            if (f != c && b == null) {
                b = new StringBuilder(name.length()).append(name, 0, i);
            }
            if (b != null) {
                b.append(f);
            }
        }
        return b == null ? name : b.toString();
    }

    int nickLength() {
        return nickLength;
    }

    int channelLength() {
        return channelLength;
    }

    int topicLength() {
        return topicLength;
    }

    int kickLength() {
        return kickLength;
    }

    int awayLength() {
        return awayLength;
    }

    int modesPerLine() {
        return modesPerLine;
    }

    String network() {
        return network;
    }
}
