package org.halley.bridges.xmpp;

import java.util.List;
import org.jivesoftware.smack.Smack;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.xml.SmackXmlParser;

/**
 * Smack's global settings, made once before the first connection.
 *
 * <p>Smack attaches every "startup class" it knows to every connection. Of the stock set Halley
 * keeps service discovery and XMPP ping; the rest (file transfer, SOCKS5 and in-band bytestreams,
 * entity capabilities, delivery receipts, bookmarks autojoin, its own reconnection manager, ...)
 * would cost memory on each of thousands of connections, answer requests no person made, and in
 * the case of bytestreams open ports on a server's say-so. The roster is attached only to
 * connections that log in with an account ({@link XmppConnection}); rooms are handled by {@link
 * StanzaMapper}, not Smack's {@code MultiUserChat}, whose listeners would run on Smack's thread
 * pool with the reader waiting for them.
 *
 * <p>Smack's own one-time initialisation runs here too, when the first bridge is built, not in
 * the first person's login.
 */
final class SmackSetup {
    private static final List<String> DISABLED = List.of(
            "org.jivesoftware.smack.ReconnectionManager",
            "org.jivesoftware.smack.roster.Roster",
            "org.jivesoftware.smackx.xhtmlim.XHTMLManager",
            "org.jivesoftware.smackx.mediaelement.MediaElementManager",
            "org.jivesoftware.smackx.muc.MultiUserChatManager",
            "org.jivesoftware.smackx.muc.bookmarkautojoin.MucBookmarkAutojoinManager",
            "org.jivesoftware.smackx.bytestreams.ibb.InBandBytestreamManager",
            "org.jivesoftware.smackx.bytestreams.socks5.Socks5BytestreamManager",
            "org.jivesoftware.smackx.filetransfer.FileTransferManager",
            "org.jivesoftware.smackx.iqlast.LastActivityManager",
            "org.jivesoftware.smackx.commands.AdHocCommandManager",
            "org.jivesoftware.smackx.privacy.PrivacyListManager",
            "org.jivesoftware.smackx.time.EntityTimeManager",
            "org.jivesoftware.smackx.vcardtemp.VCardManager",
            "org.jivesoftware.smackx.xdata.XDataManager",
            "org.jivesoftware.smackx.xdatalayout.XDataLayoutManager",
            "org.jivesoftware.smackx.xdatavalidation.XDataValidationManager",
            "org.jivesoftware.smackx.receipts.DeliveryReceiptManager",
            "org.jivesoftware.smackx.iqversion.VersionManager",
            "org.jivesoftware.smackx.caps.EntityCapsManager",
            "org.jivesoftware.smackx.softwareinfo.form.SoftwareInfoForm");

    /**
     * Smack logs through java.util.logging, which prints INFO and up to standard error: a line for
     * every closed stream of thousands. Only its warnings reach the log; the logger is held here
     * because JUL keeps its loggers weakly.
     */
    private static final java.util.logging.Logger SMACK_LOG = java.util.logging.Logger.getLogger("org.jivesoftware");

    static {
        SMACK_LOG.setLevel(java.util.logging.Level.WARNING);
        // Must run before Smack initialises itself (on the first configuration built).
        SmackConfiguration.addDisabledSmackClasses(DISABLED.toArray(String[]::new));
        SmackXmlParser.setXmlPullParserFactory(new SafeXmlParserFactory());
        SmackConfiguration.setDefaultReplyTimeout(15_000);
        // Smack initialises itself once per process, in a class initialiser, the first time a
        // connection configuration is built: it parses its config files and loads and instantiates
        // hundreds of providers. Left to that moment, the first person to log in after a start
        // paid it inside their login, on their connection's virtual thread (pinned to its carrier
        // while the class initialiser runs, and every other thread needing Smack waiting for it):
        // over ten seconds on a busy two-core machine (LogsIT's thread dumps). Done here, it runs
        // once on the thread that builds the first XMPP bridge, before Halley says it is ready.
        Smack.ensureInitialized();
    }

    private SmackSetup() {}

    /** Makes sure the settings above are in force. Idempotent, thread-safe (class initialisation). */
    static void ensure() {}
}
