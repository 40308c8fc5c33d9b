package org.halley.bridges.irc;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.halley.bridges.ChatEvent;
import org.halley.bridges.ChatEvent.Kind;
import org.pircbotx.Channel;
import org.pircbotx.PircBotX;
import org.pircbotx.User;
import org.pircbotx.UserLevel;
import org.pircbotx.hooks.CoreHooks;
import org.pircbotx.hooks.events.ConnectAttemptFailedEvent;
import org.pircbotx.hooks.events.FingerEvent;
import org.pircbotx.hooks.events.PingEvent;
import org.pircbotx.hooks.events.TimeEvent;
import org.pircbotx.hooks.events.VersionEvent;
import org.pircbotx.hooks.events.ActionEvent;
import org.pircbotx.hooks.events.ConnectEvent;
import org.pircbotx.hooks.events.JoinEvent;
import org.pircbotx.hooks.events.KickEvent;
import org.pircbotx.hooks.events.MessageEvent;
import org.pircbotx.hooks.events.NickAlreadyInUseEvent;
import org.pircbotx.hooks.events.NickChangeEvent;
import org.pircbotx.hooks.events.NoticeEvent;
import org.pircbotx.hooks.events.PartEvent;
import org.pircbotx.hooks.events.PrivateMessageEvent;
import org.pircbotx.hooks.events.QuitEvent;
import org.pircbotx.hooks.events.ServerResponseEvent;
import org.pircbotx.hooks.events.TopicEvent;
import org.pircbotx.hooks.events.UserListEvent;

/**
 * Maps PircBotX's events to {@link ChatEvent}s for one connection. Runs on the connection's reader
 * thread (see {@link OrderedListenerManager}). Extends {@link CoreHooks} so PircBotX keeps
 * answering server PINGs and installs no second listener.
 */
final class IrcEvents extends CoreHooks {
    private final IrcConnection connection;

    IrcEvents(IrcConnection connection) {
        this.connection = connection;
    }

    private void emit(ChatEvent e) {
        connection.emit(e);
    }

    private Instant now() {
        return connection.eventTime();
    }

    private boolean self(String nick) {
        return connection.isSelf(nick);
    }

    @Override
    public void onConnect(ConnectEvent event) {
        connection.registered(event.getBot().getNick());
    }

    @Override
    public void onNickAlreadyInUse(NickAlreadyInUseEvent event) {
        connection.nickInUse(event.getUsedNick());
    }

    @Override
    public void onMessage(MessageEvent event) {
        String from = event.getUserHostmask().getNick();
        emit(new ChatEvent.Message(now(), event.getChannel().getName(), from, event.getMessage(), Kind.MESSAGE, self(from)));
    }

    @Override
    public void onPrivateMessage(PrivateMessageEvent event) {
        String from = event.getUserHostmask().getNick();
        emit(new ChatEvent.Message(now(), from, from, event.getMessage(), Kind.MESSAGE, self(from)));
    }

    @Override
    public void onAction(ActionEvent event) {
        String from = event.getUserHostmask().getNick();
        String where = event.getChannel() != null ? event.getChannel().getName() : from;
        emit(new ChatEvent.Message(now(), where, from, event.getAction(), Kind.ACTION, self(from)));
    }

    @Override
    public void onNotice(NoticeEvent event) {
        String from = event.getUserHostmask() == null ? "" : event.getUserHostmask().getNick();
        if (event.getChannel() != null) {
            emit(new ChatEvent.Message(now(), event.getChannel().getName(), from, event.getNotice(), Kind.NOTICE, self(from)));
        } else if (from.isEmpty() || from.contains(".") || !connection.isRegistered()) {
            emit(new ChatEvent.ServerText(now(), from, event.getNotice()));
        } else {
            emit(new ChatEvent.Message(now(), from, from, event.getNotice(), Kind.NOTICE, self(from)));
        }
    }

    @Override
    public void onJoin(JoinEvent event) {
        String nick = event.getUserHostmask().getNick();
        boolean self = self(nick);
        if (self) {
            connection.joined(event.getChannel().getName());
        }
        emit(new ChatEvent.Joined(now(), event.getChannel().getName(), nick, self));
    }

    @Override
    public void onPart(PartEvent event) {
        String nick = event.getUserHostmask().getNick();
        String channel = connection.current().param(0); // PircBotX names the channel only in snapshots, which are off
        boolean self = self(nick);
        if (self) {
            connection.left(channel);
        }
        emit(new ChatEvent.Parted(now(), channel, nick, event.getReason() == null ? "" : event.getReason(), self));
    }

    @Override
    public void onConnectAttemptFailed(ConnectAttemptFailedEvent event) {
        String reason = event.getConnectExceptions().values().stream()
                .findFirst().map(e -> e.getClass().getSimpleName() + ": " + e.getMessage()).orElse("could not connect");
        connection.connectFailed(reason);
    }

    /** CTCP: VERSION is answered (as configured); TIME, PING and FINGER are not, they tell too much. */
    @Override
    public void onVersion(VersionEvent event) {
        event.getUser().send().ctcpResponse("VERSION " + event.getBot().getConfiguration().getVersion());
    }

    @Override
    public void onTime(TimeEvent event) {}

    @Override
    public void onPing(PingEvent event) {}

    @Override
    public void onFinger(FingerEvent event) {}

    @Override
    public void onKick(KickEvent event) {
        String nick = event.getRecipientHostmask().getNick();
        boolean self = self(nick);
        if (self) {
            connection.left(event.getChannel().getName());
        }
        emit(new ChatEvent.Kicked(now(), event.getChannel().getName(), nick, event.getUserHostmask().getNick(), event.getReason(), self));
    }

    @Override
    public void onQuit(QuitEvent event) {
        emit(new ChatEvent.Quit(now(), event.getUserHostmask().getNick(), event.getReason(), List.of()));
    }

    @Override
    public void onNickChange(NickChangeEvent event) {
        boolean self = self(event.getOldNick()) || self(event.getNewNick());
        emit(new ChatEvent.NickChanged(now(), event.getOldNick(), event.getNewNick(), self));
    }

    @Override
    public void onTopic(TopicEvent event) {
        String by = event.getUser() == null ? "" : event.getUser().getNick();
        Instant at = event.getDate() > 0 ? Instant.ofEpochMilli(event.getDate()) : null;
        emit(new ChatEvent.Topic(now(), event.getChannel().getName(), event.getTopic() == null ? "" : event.getTopic(), by, at));
    }

    /** At end of NAMES (366); PircBotX calls it incomplete because WHO would add hosts, which are off. */
    @Override
    public void onUserList(UserListEvent event) {
        Channel channel = event.getChannel();
        List<ChatEvent.Member> members = new ArrayList<>();
        for (User u : event.getUsers()) {
            members.add(member(u, channel));
        }
        members.sort((a, b) -> a.nick().compareToIgnoreCase(b.nick()));
        emit(new ChatEvent.Members(now(), channel.getName(), members));
    }

    private static ChatEvent.Member member(User u, Channel channel) {
        UserLevel top = null;
        for (UserLevel l : u.getUserLevels(channel)) {
            if (top == null || l.ordinal() > top.ordinal()) {
                top = l;
            }
        }
        if (top == null) {
            return new ChatEvent.Member(u.getNick(), "", "");
        }
        return switch (top) {
            case OWNER -> new ChatEvent.Member(u.getNick(), "~", "owner");
            case SUPEROP -> new ChatEvent.Member(u.getNick(), "&", "admin");
            case OP -> new ChatEvent.Member(u.getNick(), "@", "op");
            case HALFOP -> new ChatEvent.Member(u.getNick(), "%", "halfop");
            case VOICE -> new ChatEvent.Member(u.getNick(), "+", "voice");
        };
    }

    /** Error replies a person needs to understand, as {@link ChatEvent.Problem}. */
    @Override
    public void onServerResponse(ServerResponseEvent event) {
        List<String> p = event.getParsedResponse();
        String arg = p.size() > 1 ? p.get(1) : "";
        String text = p.isEmpty() ? "" : p.get(p.size() - 1);
        String code = switch (event.getCode()) {
            case 401 -> "no-such-nick";
            case 403 -> "no-such-channel";
            case 404 -> "cannot-send";
            case 405 -> "too-many-channels";
            case 432 -> "bad-nick";
            case 442 -> "not-on-channel";
            case 471 -> "channel-full";
            case 473 -> "invite-only";
            case 474 -> "banned";
            case 475 -> "bad-key";
            case 477 -> "needs-account";
            case 482 -> "not-op";
            default -> null;
        };
        if (code != null) {
            String where = arg.isEmpty() || !connection.isChannel(arg) ? (event.getCode() == 401 ? arg : "") : arg;
            emit(new ChatEvent.Problem(now(), code, "", text + (arg.isEmpty() ? "" : " (" + arg + ")"), where));
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    static boolean sameNick(PircBotX bot, String a, String b) {
        return a != null && b != null && a.equalsIgnoreCase(b);
    }
}
