package org.halley.bridges.xmpp;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;
import org.jxmpp.jid.parts.Resourcepart;

/** The other person: a plain Smack client (XMPPTCPConnection, Smack's MultiUserChat), logged in with an account. */
final class XmppPeer implements AutoCloseable {
    final XMPPTCPConnection connection;
    final List<Message> messages = new CopyOnWriteArrayList<>();

    private XmppPeer(XMPPTCPConnection connection) {
        this.connection = connection;
    }

    static XmppPeer login(int port, Path caFile, String user, String domain, String password) throws Exception {
        SmackSetup.ensure();
        XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(domain)
                .setHostAddress(java.net.InetAddress.getLoopbackAddress())
                .setPort(port)
                .setUsernameAndPassword(user, password)
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(TlsTrust.trustManager(caFile))
                .setResource("peer")
                .build();
        XMPPTCPConnection c = new XMPPTCPConnection(config);
        XmppPeer peer = new XmppPeer(c);
        c.addSyncStanzaListener(s -> peer.messages.add((Message) s), s -> s instanceof Message);
        c.connect().login();
        return peer;
    }

    EntityBareJid jid() {
        return connection.getUser().asEntityBareJid();
    }

    MultiUserChat room(String room) throws Exception {
        return MultiUserChatManager.getInstanceFor(connection).getMultiUserChat(JidCreate.entityBareFrom(room));
    }

    /** Creates (as an instant room) or joins {@code room} as {@code nick}. */
    MultiUserChat enter(String room, String nick) throws Exception {
        MultiUserChat muc = room(room);
        MultiUserChat.MucCreateConfigFormHandle created = muc.createOrJoin(Resourcepart.from(nick));
        if (created != null) {
            created.makeInstant();
        }
        return muc;
    }

    /**
     * Submits a room configuration without fetching the form first: Smack 4.4's data form parser
     * cannot read Prosody's form over StAX (its {@code xdata-validate} elements), so the peer
     * writes the fields it needs (Halley itself never reads configuration forms).
     */
    void configure(String room, java.util.Map<String, String> fields) throws Exception {
        org.jivesoftware.smackx.xdata.packet.DataForm.Builder form = org.jivesoftware.smackx.xdata.packet.DataForm.builder(
                org.jivesoftware.smackx.xdata.packet.DataForm.Type.submit);
        form.setFormType("http://jabber.org/protocol/muc#roomconfig");
        fields.forEach((k, v) -> form.addField(org.jivesoftware.smackx.xdata.FormField.builder(k).setValue(v).build()));
        org.jivesoftware.smackx.muc.packet.MUCOwner iq = new org.jivesoftware.smackx.muc.packet.MUCOwner();
        iq.setType(org.jivesoftware.smack.packet.IQ.Type.set);
        iq.setTo(JidCreate.entityBareFrom(room));
        iq.addExtension(form.build());
        connection.sendIqRequestAndWaitForResponse(iq);
    }

    void say(String to, String text) throws Exception {
        connection.sendStanza(connection.getStanzaFactory().buildMessageStanza()
                .ofType(Message.Type.chat).to(JidCreate.from(to)).setBody(text).build());
    }

    /**
     * Sends presence to {@code to} (a room occupant JID to change nickname or, {@code available}
     * false, to leave). Smack 4.4's {@code MultiUserChat.changeNickname} deadlocks against its own
     * presence listener (both lock the room object), so the peer changes nicknames this way.
     */
    void presence(String to, boolean available) throws Exception {
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza()
                .ofType(available ? org.jivesoftware.smack.packet.Presence.Type.available : org.jivesoftware.smack.packet.Presence.Type.unavailable)
                .to(JidCreate.from(to)).build());
    }

    /** Enters a room by a plain join presence (with the MUC element), without Smack's MultiUserChat. */
    void join(String occupant) throws Exception {
        connection.sendStanza(connection.getStanzaFactory().buildPresenceStanza().to(JidCreate.from(occupant))
                .addExtension(new org.jivesoftware.smackx.muc.packet.MUCInitialPresence(null, -1, 0, -1, null)).build());
    }

    @Override
    public void close() {
        connection.disconnect();
    }
}
