package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import javax.xml.stream.XMLStreamException;
import org.halley.bridges.DisconnectReason;
import org.jivesoftware.smack.SmackException;
import org.jivesoftware.smack.XMPPException;
import org.jivesoftware.smack.datatypes.UInt16;
import org.jivesoftware.smack.packet.StreamError;
import org.jivesoftware.smack.tcp.rce.IpTcpRemoteConnectionEndpoint;
import org.jivesoftware.smack.util.rce.RemoteConnectionException;
import org.junit.jupiter.api.Test;

/** What each of Smack's failures tells the person: a code, and only a stream error's own text. */
class XmppDisconnectReasonTest {
    private static final String LEAKY = "127.0.0.1:5222\nMessage: XML document structures must start and end";

    @Test
    void aStreamErrorGivesTheServersOwnTextCleaned() {
        StreamError error = new StreamError(StreamError.Condition.system_shutdown, null,
                java.util.Map.of("", "Server is shutting down\r\nsee you"), null);
        DisconnectReason r = XmppConnection.reason(new XMPPException.StreamErrorException(error));
        assertThat(r).isEqualTo(new DisconnectReason("server-closed", "Server is shutting down see you"));
        StreamError bare = new StreamError(StreamError.Condition.conflict, null, null, null);
        assertThat(XmppConnection.reason(new XMPPException.StreamErrorException(bare))).isEqualTo(DisconnectReason.of("server-closed"));
    }

    @Test
    void aParseErrorOfADroppedLinkIsALostConnection() {
        DisconnectReason r = XmppConnection.reason(new XMLStreamException("ParseError at [row,col]:[1,4096]\n" + LEAKY));
        assertThat(r).isEqualTo(DisconnectReason.of("connection-lost"));
        assertThat(XmppConnection.reason(new SmackException.SmackWrappedException(new IOException(LEAKY))).code()).isEqualTo("connection-lost");
    }

    @Test
    void endpointFailuresSayUnreachableOrNotFoundWithoutTheAddress() throws Exception {
        var endpoint = IpTcpRemoteConnectionEndpoint.from("xmpp.example", UInt16.from(5222), InetAddress.getLoopbackAddress());
        var refused = SmackException.EndpointConnectionException.from(List.of(),
                List.of(RemoteConnectionException.from(endpoint, new ConnectException("Connection refused " + LEAKY))));
        assertThat(XmppConnection.reason(refused)).isEqualTo(DisconnectReason.of("server-unreachable"));
        var tls = SmackException.EndpointConnectionException.from(List.of(),
                List.of(RemoteConnectionException.from(endpoint, new SSLHandshakeException(LEAKY))));
        assertThat(XmppConnection.reason(tls)).isEqualTo(DisconnectReason.of("tls-failed"));
        assertThat(XmppConnection.reason(new IOException(new UnknownHostException(LEAKY)))).isEqualTo(DisconnectReason.of("server-not-found"));
    }

    @Test
    void aSilentServerHasTimedOut() {
        assertThat(XmppConnection.reason(new java.util.concurrent.TimeoutException("no answer to an XMPP ping within 5 s")).code())
                .isEqualTo("timed-out");
    }
}
