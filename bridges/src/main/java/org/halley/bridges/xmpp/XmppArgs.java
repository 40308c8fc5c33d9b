package org.halley.bridges.xmpp;

import java.nio.charset.StandardCharsets;
import org.halley.bridges.CommandRejectedException;
import org.halley.config.XmppBridgeConfig;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.EntityFullJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;
import org.jxmpp.stringprep.XmppStringprepException;

/**
 * Checks each field of browser input before it may go into a stanza. Smack writes the XML, so
 * escaping is not the question here; what is: characters XML 1.0 cannot carry at all (a server
 * would close the stream), lengths, and names that must be valid JIDs. Message text is repaired
 * (characters XML cannot carry are dropped, as the text would be unsendable otherwise); names,
 * JIDs and passwords are refused with the field named, never changed. Pure functions.
 */
public final class XmppArgs {
    /** Longest message text accepted, in UTF-8 bytes; servers take far more, people rarely need it. */
    public static final int MAX_TEXT_BYTES = 16 * 1024;
    static final int MAX_REASON_BYTES = 1024;
    static final int MAX_PASSWORD_CHARS = 1024;
    /** The most a JID's resource part (a room nickname) may have, in UTF-8 bytes (RFC 7622 §3.4). */
    static final int MAX_RESOURCE_BYTES = 1023;

    private XmppArgs() {}

    /** Whether XML 1.0 allows {@code cp} in a document (§2.2 Char). */
    static boolean xmlChar(int cp) {
        return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD)
                || (cp >= 0x10000 && cp <= 0x10FFFF);
    }

    /** {@code s} without the code points XML 1.0 cannot carry (C0 controls, lone surrogates, U+FFFE/F). */
    public static String stripNonXml(String s) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!xmlChar(cp) || (Character.isSurrogate(s.charAt(i)) && Character.charCount(cp) == 1)) {
                break;
            }
            i += Character.charCount(cp);
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        b.append(s, 0, i);
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int n = Character.charCount(cp);
            boolean loneSurrogate = n == 1 && Character.isSurrogate(s.charAt(i));
            if (xmlChar(cp) && !loneSurrogate) {
                b.appendCodePoint(cp);
            }
            i += n;
        }
        return b.toString();
    }

    /** Message text: control characters XML cannot carry are dropped; line breaks are kept. */
    public static String text(String field, String text) throws CommandRejectedException {
        String t = text == null ? "" : stripNonXml(text);
        if (t.isBlank()) {
            throw new CommandRejectedException(field, "is empty");
        }
        if (t.getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_BYTES) {
            throw new CommandRejectedException(field, "is longer than " + MAX_TEXT_BYTES + " bytes");
        }
        return t;
    }

    /** A reason, status message or subject: like text, but may be empty. */
    public static String reason(String field, String reason, int maxBytes) throws CommandRejectedException {
        String r = reason == null ? "" : stripNonXml(reason);
        if (r.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new CommandRejectedException(field, "is longer than " + maxBytes + " bytes");
        }
        return r;
    }

    /** A room nickname: 1 to {@code maxLength} characters, no control characters or leading/trailing spaces. */
    public static Resourcepart nick(String field, String nick, int maxLength) throws CommandRejectedException {
        if (nick == null || nick.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        if (nick.codePointCount(0, nick.length()) > maxLength) {
            throw new CommandRejectedException(field, "is longer than " + maxLength + " characters");
        }
        if (!nick.strip().equals(nick)) {
            throw new CommandRejectedException(field, "may not start or end with spaces");
        }
        noControls(field, nick);
        if (nick.getBytes(StandardCharsets.UTF_8).length > MAX_RESOURCE_BYTES) {
            throw new CommandRejectedException(field, "is longer than " + MAX_RESOURCE_BYTES + " bytes");
        }
        try {
            return Resourcepart.from(nick);
        } catch (XmppStringprepException e) {
            // jxmpp's own text names its classes and internals; the person gets ours.
            throw new CommandRejectedException(field, "is not a valid nickname (it has a character XMPP does not allow in names)");
        }
    }

    /** A password: up to 1,024 characters XML can carry. */
    public static String password(String field, String password) throws CommandRejectedException {
        if (password.length() > MAX_PASSWORD_CHARS) {
            throw new CommandRejectedException(field, "is longer than " + MAX_PASSWORD_CHARS + " characters");
        }
        if (!stripNonXml(password).equals(password)) {
            throw new CommandRejectedException(field, "contains a control character");
        }
        return password;
    }

    /** A person's address, {@code alice@example.org} (no resource). */
    public static EntityBareJid jid(String field, String jid) throws CommandRejectedException {
        if (jid == null || jid.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        if (jid.length() > 3071) {
            throw new CommandRejectedException(field, "is too long for an address");
        }
        noControls(field, jid);
        if (jid.indexOf(' ') >= 0 || jid.indexOf('/') >= 0) {
            throw new CommandRejectedException(field, "is not an address like alice@example.org (no spaces or '/')");
        }
        try {
            return JidCreate.entityBareFrom(jid);
        } catch (XmppStringprepException | IllegalArgumentException e) {
            throw new CommandRejectedException(field, "'" + jid + "' is not an address like alice@example.org");
        }
    }

    /**
     * A room: {@code lobby} (on the configured MUC service) or {@code lobby@conference.example.org},
     * refused with {@code not-allowed} unless the bridge's allowed-rooms match it.
     */
    public static EntityBareJid room(String field, String room, XmppBridgeConfig config) throws CommandRejectedException {
        if (room == null || room.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        noControls(field, room);
        if (room.indexOf(' ') >= 0 || room.indexOf('/') >= 0 || room.startsWith("#")) {
            throw new CommandRejectedException(field, "is not a room (lobby, or lobby@" + config.mucService() + "; no spaces, '/' or '#')");
        }
        EntityBareJid jid;
        try {
            jid = JidCreate.entityBareFrom(config.roomJid(room));
        } catch (XmppStringprepException | IllegalArgumentException e) {
            throw new CommandRejectedException(field, "'" + room + "' is not a room (lobby, or lobby@" + config.mucService() + ")");
        }
        if (!config.allowsRoom(jid.toString())) {
            throw new CommandRejectedException("not-allowed", field,
                    jid + " is not open through this gateway (allowed: " + config.allowedRooms() + ")");
        }
        return jid;
    }

    /** Where a message goes: a person's bare JID, or a room occupant ({@code room@service/nick}). */
    public static Jid target(String field, String target) throws CommandRejectedException {
        if (target == null || target.isEmpty()) {
            throw new CommandRejectedException(field, "is empty");
        }
        noControls(field, target);
        int slash = target.indexOf('/');
        if (slash < 0) {
            return jid(field, target);
        }
        try {
            EntityFullJid full = JidCreate.entityFullFrom(target);
            return full;
        } catch (XmppStringprepException | IllegalArgumentException e) {
            throw new CommandRejectedException(field, "'" + target + "' is not an address (alice@example.org, or room@service/nick)");
        }
    }

    private static void noControls(String field, String s) throws CommandRejectedException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == 0xfffe || c == 0xffff) {
                throw new CommandRejectedException(field, "contains a control character (\\u" + String.format("%04x", (int) c) + ")");
            }
            if (Character.isSurrogate(c) && s.codePointAt(i) == c) {
                throw new CommandRejectedException(field, "contains a broken character (lone surrogate)");
            }
            if (Character.isHighSurrogate(c)) {
                i++;
            }
        }
    }
}
