package org.halley.bridges.xmpp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.util.PacketParserUtils;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.junit.jupiter.api.Test;

class SafeXmlParserFactoryTest {
    static {
        SmackSetup.ensure();
    }

    private static XmlPullParser parser(String xml) throws Exception {
        XmlPullParser p = new SafeXmlParserFactory().newXmlPullParser(new StringReader(xml));
        return p;
    }

    /** Reads every event; the text of all character events. */
    private static String drain(String xml) throws Exception {
        XmlPullParser p = parser(xml);
        StringBuilder text = new StringBuilder();
        for (XmlPullParser.Event e = p.getEventType(); e != XmlPullParser.Event.END_DOCUMENT; e = p.next()) {
            if (e == XmlPullParser.Event.TEXT_CHARACTERS) {
                text.append(p.getText());
            }
        }
        return text.toString();
    }

    @Test
    void predefinedAndCharacterEntitiesAreText() throws Exception {
        Message m = PacketParserUtils.parseStanza(
                "<message xmlns='jabber:client' from='a@b' to='c@d' id='1'><body>a &amp; b &lt;c&gt; &apos;d&quot; &#233;&#x1F600;</body></message>");
        assertThat(m.getBody()).isEqualTo("a & b <c> 'd\" \u00e9\uD83D\uDE00");
    }

    @Test
    void aDoctypeIsRefused() {
        assertThatThrownBy(() -> drain("<?xml version='1.0'?><!DOCTYPE stream><stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>"))
                .isInstanceOf(Exception.class);
    }

    @Test
    void entityExpansionNeverHappens() {
        StringBuilder doc = new StringBuilder("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol0 'lol'>");
        for (int i = 1; i < 10; i++) {
            doc.append("<!ENTITY lol").append(i).append(" '").append(("&lol" + (i - 1) + ";").repeat(10)).append("'>");
        }
        doc.append("]><message><body>&lol9;</body></message>");
        assertThatThrownBy(() -> drain(doc.toString())).isInstanceOf(Exception.class);
    }

    @Test
    void anExternalEntityIsNeverFetched() {
        assertThatThrownBy(() -> drain("<?xml version='1.0'?><!DOCTYPE m [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><m>&x;</m>"))
                .isInstanceOf(Exception.class);
    }
}
