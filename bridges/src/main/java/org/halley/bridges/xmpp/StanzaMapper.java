package org.halley.bridges.xmpp;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEvent.Kind;
import org.halley.bridges.ChatEventSink;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.packet.StanzaError;
import org.jivesoftware.smackx.delay.packet.DelayInformation;
import org.jivesoftware.smackx.muc.MUCAffiliation;
import org.jivesoftware.smackx.muc.MUCRole;
import org.jivesoftware.smackx.muc.packet.GroupChatInvitation;
import org.jivesoftware.smackx.muc.packet.MUCItem;
import org.jivesoftware.smackx.muc.packet.MUCUser;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * Maps the stanzas of one XMPP connection to {@link ChatEvent}s, keeping what it must know of
 * each room (occupants, own nickname, whether the join is complete). Pure: it sends nothing
 * itself; what it decides (join again with another nickname, accept a new room as an instant
 * room) it asks of {@link Actions}.
 *
 * <p>Not thread-safe: owned by its connection's event lane, which feeds it stanzas one at a time
 * in the order the server sent them.
 *
 * <p>Rooms (XEP-0045) are named by their bare JID; a private conversation by the other person's
 * bare JID, or by the occupant JID ({@code room@service/nick}) for a private message within a
 * room.
 */
final class StanzaMapper {

    /** What the mapper asks of its connection. Called on the event lane; must not block. */
    interface Actions {
        /** The person's own bare JID on the current connection. */
        EntityBareJid self();

        /** The next nickname to try after {@code taken} was refused in {@code room}, or null. */
        Resourcepart fallbackNick(EntityBareJid room, Resourcepart taken);

        /** Join {@code room} again as {@code nick} (the last one was taken). */
        void rejoin(EntityBareJid room, Resourcepart nick);

        /** The person created {@code room}: accept the default configuration (instant room). */
        void makeInstant(EntityBareJid room);

        /** The person is no longer in {@code room} and should not rejoin it. */
        void roomGone(EntityBareJid room);

        /** The person's nickname in {@code room} is now {@code nick}. */
        void nickChanged(EntityBareJid room, Resourcepart nick);

        /**
         * {@code room} answered the join with item-not-found, which is also what a room says while
         * its creator has not yet configured it (XEP-0045 § 10.1.3): true when the connection will
         * try again shortly (then the mapper reports nothing yet), false when it has tried enough.
         */
        boolean retryLocked(EntityBareJid room, Resourcepart nick);

        /** The person is in {@code room} now. */
        void joined(EntityBareJid room);
    }

    /** One room the person is in or entering. */
    private static final class Room {
        final EntityBareJid jid;
        Resourcepart nick;
        boolean joined;
        /** Occupants by nickname, in arrival order. */
        final Map<String, ChatEvent.Member> occupants = new LinkedHashMap<>();
        /** Real JIDs where the room shows them (non-anonymous rooms, or to moderators). */
        final Map<String, String> realJids = new HashMap<>();
        /** The room's subject as last said, for a refresh; null until the room sent one. */
        ChatEvent.Topic subject;

        Room(EntityBareJid jid, Resourcepart nick) {
            this.jid = jid;
            this.nick = nick;
        }
    }

    private final ChatEventSink out;
    private final Actions actions;
    private final Clock clock;
    private final Map<EntityBareJid, Room> rooms = new LinkedHashMap<>();

    StanzaMapper(ChatEventSink out, Actions actions, Clock clock) {
        this.out = out;
        this.actions = actions;
        this.clock = clock;
    }

    /** A join presence is about to be sent: stanzas from {@code room} belong to it from now on. */
    void joining(EntityBareJid room, Resourcepart nick) {
        Room r = rooms.get(room);
        if (r == null) {
            rooms.put(room, new Room(room, nick));
        } else if (!r.joined) {
            r.nick = nick;
        }
    }

    /** A fresh stream: no room is joined any more (they are joined again by the connection). */
    void reset() {
        rooms.clear();
    }

    /**
     * Says again where the person stands in every room they are fully in: {@code Joined} (self,
     * with their nickname there), {@code Members} (the whole list) and the subject, if the room
     * sent one. For a browser that lost its view (a reloaded page).
     */
    void describe() {
        for (Room r : rooms.values()) {
            if (!r.joined) {
                continue;
            }
            String channel = r.jid.toString();
            emit(new ChatEvent.Joined(now(), channel, r.nick.toString(), true));
            List<ChatEvent.Member> members = new ArrayList<>(r.occupants.values());
            members.sort((a, b) -> a.nick().compareToIgnoreCase(b.nick()));
            emit(new ChatEvent.Members(now(), channel, members));
            if (r.subject != null) {
                emit(r.subject);
            }
        }
    }

    /** Whether the person is fully in {@code room}. */
    boolean joined(EntityBareJid room) {
        Room r = rooms.get(room);
        return r != null && r.joined;
    }

    /** The real JID of {@code nick} in {@code room}, where the room shows it; else null. */
    String realJid(EntityBareJid room, String nick) {
        Room r = rooms.get(room);
        return r == null ? null : r.realJids.get(nick);
    }

    void accept(Stanza stanza) {
        if (stanza instanceof Message m) {
            message(m);
        } else if (stanza instanceof Presence p) {
            presence(p);
        }
    }

    // ---- messages ----

    private void message(Message m) {
        Jid from = m.getFrom();
        if (from == null) {
            return;
        }
        EntityBareJid bare = from.asEntityBareJidIfPossible();
        Room room = bare == null ? null : rooms.get(bare);
        if (m.getType() == Message.Type.error) {
            StanzaError error = m.getError();
            String where = room != null ? room.jid.toString() : bare != null ? bare.toString() : from.toString();
            emit(new ChatEvent.Problem(now(), errorCode(error, false), "", errorText(error, "the message was not delivered"), where));
            return;
        }
        MUCUser muc = MUCUser.from(m);
        if (muc != null && muc.getInvite() != null && bare != null) {
            MUCUser.Invite invite = muc.getInvite();
            Jid inviter = invite.getFrom();
            // A semi-anonymous room names the inviter by occupant JID (room/nick): show the nick.
            String by = inviter == null ? ""
                    : inviter.asBareJid().equals(bare) && inviter.hasResource() ? inviter.getResourceOrEmpty().toString()
                    : inviter.asBareJid().toString();
            emit(new ChatEvent.Invited(now(), bare.toString(), by, orEmpty(invite.getReason())));
            return;
        }
        GroupChatInvitation direct = GroupChatInvitation.from(m);
        if (direct != null) {
            emit(new ChatEvent.Invited(now(), direct.getRoomAddress(), from.asBareJid().toString(), ""));
            return;
        }
        String body = m.getBody();
        if (room != null && m.getType() == Message.Type.groupchat) {
            Resourcepart nick = from.getResourceOrNull();
            DelayInformation delay = DelayInformation.from(m);
            Instant stamp = delay == null || delay.getStamp() == null ? null : delay.getStamp().toInstant();
            if (body == null && m.getSubject() != null) {
                room.subject = new ChatEvent.Topic(stamp != null ? stamp : now(), room.jid.toString(), m.getSubject(),
                        nick == null ? "" : nick.toString(), stamp);
                emit(room.subject);
                return;
            }
            if (body == null) {
                return;
            }
            String who = nick == null ? "" : nick.toString();
            boolean self = nick != null && nick.equals(room.nick);
            emitText(stamp != null ? stamp : now(), room.jid.toString(), who, body, self, isRoomHistory(delay, room.jid));
            return;
        }
        if (body == null) {
            return;
        }
        if (room != null) {
            // A private message from an occupant: the conversation is the occupant JID.
            Resourcepart nick = from.getResourceOrNull();
            emitText(now(), from.toString(), nick == null ? from.toString() : nick.toString(), body, false, false);
            return;
        }
        if (from.getLocalpartOrNull() == null) {
            emit(new ChatEvent.ServerText(now(), from.toString(), body)); // the server itself (MOTD, announcements)
            return;
        }
        if (m.getType() == Message.Type.headline) {
            emit(new ChatEvent.ServerText(now(), from.asBareJid().toString(), body));
            return;
        }
        DelayInformation delay = DelayInformation.from(m);
        Instant stamp = delay == null || delay.getStamp() == null ? null : delay.getStamp().toInstant();
        String who = from.asBareJid().toString();
        emitText(stamp != null ? stamp : now(), who, who, body, false, false);
    }

    /**
     * Whether a delayed room message is the room's history (the room stamped it) rather than a
     * live one that came late: the person's own server stamps what it held for a resumed stream
     * (XEP-0198), and that is news, not history. Both keep their original time.
     */
    static boolean isRoomHistory(DelayInformation delay, EntityBareJid room) {
        if (delay == null) {
            return false;
        }
        String by = delay.getFrom();
        return by == null || by.isEmpty() || by.equalsIgnoreCase(room.toString());
    }

    /** XMPP's {@code /me} convention: a body starting with "/me " is an action, as CTCP ACTION on IRC. */
    private void emitText(Instant time, String conversation, String from, String body, boolean self, boolean history) {
        boolean action = isAction(body);
        emit(new ChatEvent.Message(time, conversation, from, action ? body.substring(4) : body,
                action ? Kind.ACTION : Kind.MESSAGE, self, history));
    }

    static boolean isAction(String body) {
        return body.startsWith("/me ") && body.length() > 4;
    }

    // ---- presence ----

    private void presence(Presence p) {
        Jid from = p.getFrom();
        if (from == null) {
            return;
        }
        EntityBareJid bare = from.asEntityBareJidIfPossible();
        Room room = bare == null ? null : rooms.get(bare);
        if (room != null) {
            roomPresence(room, p);
            return;
        }
        if (bare == null || bare.equals(actions.self())) {
            return; // the server, or the person's own resources (their presence is confirmed when set)
        }
        switch (p.getType()) {
            case available, unavailable -> emit(new ChatEvent.Presence(now(), bare.toString(), status(p), orEmpty(p.getStatus()), false));
            default -> { } // subscription requests: the roster is read-only here
        }
    }

    private void roomPresence(Room room, Presence p) {
        Resourcepart nick = p.getFrom().getResourceOrNull();
        if (p.getType() == Presence.Type.error) {
            joinFailed(room, p);
            return;
        }
        if (nick == null) {
            return;
        }
        MUCUser muc = MUCUser.from(p);
        Set<MUCUser.Status> codes = muc == null ? Set.of() : muc.getStatus();
        boolean self = codes.contains(MUCUser.Status.PRESENCE_TO_SELF_110) || nick.equals(room.nick) && room.joined;
        MUCItem item = muc == null ? null : muc.getItem();
        String name = nick.toString();
        if (p.getType() == Presence.Type.available) {
            ChatEvent.Member member = member(name, item);
            if (item != null && item.getJid() != null) {
                room.realJids.put(name, item.getJid().asBareJid().toString());
            }
            ChatEvent.Member before = room.occupants.put(name, member);
            if (self) {
                room.nick = nick;
            }
            if (!room.joined) {
                if (self) {
                    room.joined = true;
                    actions.joined(room.jid);
                    emit(new ChatEvent.Joined(now(), room.jid.toString(), name, true));
                    List<ChatEvent.Member> members = new ArrayList<>(room.occupants.values());
                    members.sort((a, b) -> a.nick().compareToIgnoreCase(b.nick()));
                    emit(new ChatEvent.Members(now(), room.jid.toString(), members));
                    if (codes.contains(MUCUser.Status.ROOM_CREATED_201)) {
                        actions.makeInstant(room.jid);
                    }
                }
                return;
            }
            if (before == null) {
                emit(new ChatEvent.Joined(now(), room.jid.toString(), name, self));
                emit(new ChatEvent.MemberUpdated(now(), room.jid.toString(), member));
            } else if (!before.equals(member)) {
                emit(new ChatEvent.MemberUpdated(now(), room.jid.toString(), member));
            }
            return;
        }
        if (p.getType() != Presence.Type.unavailable) {
            return;
        }
        ChatEvent.Member gone = room.occupants.remove(name);
        String real = room.realJids.remove(name);
        if (!room.joined) {
            return; // someone left while the person was still entering: the list they get is current
        }
        if (codes.contains(MUCUser.Status.NEW_NICKNAME_303) && item != null && item.getNick() != null) {
            String newNick = item.getNick().toString();
            room.occupants.put(newNick, gone == null ? member(newNick, item) : new ChatEvent.Member(newNick, gone.prefix(), gone.role(), gone.affiliation()));
            if (real != null) {
                room.realJids.put(newNick, real);
            }
            if (self) {
                room.nick = item.getNick();
                actions.nickChanged(room.jid, item.getNick());
            }
            emit(new ChatEvent.NickChanged(now(), name, newNick, self, room.jid.toString()));
            return;
        }
        String channel = room.jid.toString();
        String by = item == null ? "" : actor(item);
        String reason = item == null ? "" : orEmpty(item.getReason());
        ChatEvent event;
        if (codes.contains(MUCUser.Status.KICKED_307)) {
            event = new ChatEvent.Kicked(now(), channel, name, by, reason, self);
        } else if (codes.contains(MUCUser.Status.BANNED_301)) {
            event = new ChatEvent.Banned(now(), channel, name, by, reason, self);
        } else if (codes.contains(MUCUser.Status.REMOVED_AFFIL_CHANGE_321)) {
            event = new ChatEvent.Parted(now(), channel, name, "removed: no longer a member", self);
        } else if (codes.contains(MUCUser.Status.create(322))) {
            event = new ChatEvent.Parted(now(), channel, name, "removed: the room is now members-only", self);
        } else if (codes.contains(MUCUser.Status.create(332))) {
            event = new ChatEvent.Parted(now(), channel, name, "removed: the service is shutting down", self);
        } else if (muc != null && muc.getDestroy() != null) {
            String why = orEmpty(muc.getDestroy().getReason());
            event = new ChatEvent.Parted(now(), channel, name, why.isEmpty() ? "the room was destroyed" : "the room was destroyed: " + why, self);
        } else {
            event = new ChatEvent.Parted(now(), channel, name, orEmpty(p.getStatus()), self);
        }
        if (self) {
            rooms.remove(room.jid); // before the event: whoever reads it may act on it at once
            actions.roomGone(room.jid);
        }
        emit(event);
    }

    private void joinFailed(Room room, Presence p) {
        StanzaError error = p.getError();
        StanzaError.Condition condition = error == null ? StanzaError.Condition.undefined_condition : error.getCondition();
        String channel = room.jid.toString();
        if (room.joined) {
            // An error once in: a refused nickname change, or a refused presence update.
            String code = condition == StanzaError.Condition.conflict ? "nick-in-use" : errorCode(error, false);
            emit(new ChatEvent.Problem(now(), code, code.equals("nick-in-use") ? "nick" : "",
                    errorText(error, code.equals("nick-in-use") ? "that nickname is taken in " + channel : "refused"), channel));
            return;
        }
        if (condition == StanzaError.Condition.conflict) {
            Resourcepart next = actions.fallbackNick(room.jid, room.nick);
            if (next != null) {
                room.nick = next;
                room.occupants.clear();
                room.realJids.clear();
                actions.rejoin(room.jid, next);
                return;
            }
        }
        if (condition == StanzaError.Condition.item_not_found && actions.retryLocked(room.jid, room.nick)) {
            room.occupants.clear();
            room.realJids.clear();
            return;
        }
        rooms.remove(room.jid);
        actions.roomGone(room.jid);
        String code = errorCode(error, true);
        String explanation = switch (code) {
            case "nick-in-use" -> "the nickname " + room.nick + " is taken in " + channel + "; choose another";
            case "members-only" -> channel + " is members-only and you are not a member";
            case "banned" -> "you are banned from " + channel;
            case "bad-key" -> channel + " needs a password, and the one given is wrong or missing";
            case "no-such-channel" -> condition == StanzaError.Condition.not_allowed
                    ? channel + " does not exist, and this server does not let you create it"
                    : channel + " does not exist";
            case "channel-full" -> channel + " is full";
            case "bad-nick" -> "the room refused the nickname " + room.nick;
            default -> "could not join " + channel;
        };
        emit(new ChatEvent.Problem(now(), code, code.equals("nick-in-use") || code.equals("bad-nick") ? "nick" : "",
                errorText(error, explanation), channel));
    }

    // ---- helpers (pure) ----

    /** A stable code for an error condition; {@code join}: the error answered a room join. */
    static String errorCode(StanzaError error, boolean join) {
        StanzaError.Condition c = error == null ? StanzaError.Condition.undefined_condition : error.getCondition();
        return switch (c) {
            case conflict -> "nick-in-use";
            case registration_required -> join ? "members-only" : "not-allowed";
            case forbidden -> join ? "banned" : "not-allowed";
            case not_authorized -> join ? "bad-key" : "not-allowed";
            case item_not_found -> join ? "no-such-channel" : "no-such-nick";
            case not_allowed -> join ? "no-such-channel" : "not-allowed";
            case service_unavailable -> join ? "channel-full" : "unavailable";
            case jid_malformed -> join ? "bad-nick" : "invalid";
            case not_acceptable -> join ? "bad-nick" : "cannot-send";
            case remote_server_not_found, remote_server_timeout -> "no-such-server";
            case resource_constraint, policy_violation -> "rate-limited";
            case feature_not_implemented -> "not-supported";
            default -> "error";
        };
    }

    /** Our explanation, with the server's own words where it gave some. */
    static String errorText(StanzaError error, String explanation) {
        String server = error == null ? null : org.halley.bridges.DisconnectReason.clean(error.getDescriptiveText());
        return server == null || server.isBlank() ? explanation : explanation + " (server: " + server + ")";
    }

    /** {@code available}, {@code away}, {@code dnd}, {@code xa} or {@code offline}. */
    static String status(Presence p) {
        if (p.getType() != Presence.Type.available) {
            return "offline";
        }
        Presence.Mode mode = p.getMode();
        if (mode == null) {
            return "available";
        }
        return switch (mode) {
            case away -> "away";
            case dnd -> "dnd";
            case xa -> "xa";
            case chat, available -> "available";
        };
    }

    static ChatEvent.Member member(String nick, MUCItem item) {
        String role = item == null || item.getRole() == null || item.getRole() == MUCRole.none ? "" : item.getRole().name().toLowerCase(Locale.ROOT);
        MUCAffiliation a = item == null ? null : item.getAffiliation();
        String affiliation = a == null || a == MUCAffiliation.none ? "" : a.name().toLowerCase(Locale.ROOT);
        String prefix = role.equals("moderator") ? "@" : ""; // as an IRC op; "participant" is everyone in most rooms
        return new ChatEvent.Member(nick, prefix, role, affiliation);
    }

    private static String actor(MUCItem item) {
        if (item.getActorNick() != null) {
            return item.getActorNick().toString();
        }
        return item.getActor() == null ? "" : item.getActor().asBareJid().toString();
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private Instant now() {
        return clock.instant();
    }

    private void emit(ChatEvent e) {
        out.accept(e);
    }
}
