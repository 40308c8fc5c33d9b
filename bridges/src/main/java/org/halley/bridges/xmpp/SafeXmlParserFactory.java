package org.halley.bridges.xmpp;

import java.io.Reader;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.jivesoftware.smack.xml.XmlPullParser;
import org.jivesoftware.smack.xml.XmlPullParserException;
import org.jivesoftware.smack.xml.XmlPullParserFactory;
import org.jivesoftware.smack.xml.stax.StaxXmlPullParser;

/**
 * The parser of everything an XMPP server sends: the JDK's own StAX parser (never one that a
 * library on the class path happens to register), configured for RFC 6120 § 11.1, which forbids
 * DTDs and entity declarations in a stream.
 *
 * <p>Smack's own StAX factory takes {@link XMLInputFactory#newInstance()}, whichever provider
 * that finds, and lets a DOCTYPE pass as an ignored event. Here a DOCTYPE is an error where the
 * JDK can say so ({@code jdk.xml.dtd.support=deny}, JDK 22+), and is otherwise skipped without
 * reading its declarations; entity references are never replaced and external entities never
 * fetched, so neither "billion laughs" nor a file read can happen. Smack's parser wrapper has a
 * package-private constructor; it is reached once, at class initialisation, and a failure there
 * stops Halley rather than fall back to an unsafe parser.
 */
final class SafeXmlParserFactory implements XmlPullParserFactory {
    private static final XMLInputFactory FACTORY = XMLInputFactory.newDefaultFactory();
    private static final MethodHandle WRAP;
    /** Whether this JDK refuses a DOCTYPE outright (else it skips it unread). */
    static final boolean DTD_DENIED;

    static {
        FACTORY.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        FACTORY.setProperty(XMLInputFactory.IS_COALESCING, true); // as Smack expects (XPP3 coalesces)
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        FACTORY.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        FACTORY.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        boolean denied;
        try {
            FACTORY.setProperty("jdk.xml.dtd.support", "deny");
            denied = true;
        } catch (IllegalArgumentException e) {
            denied = false; // JDK 21: SUPPORT_DTD=false above still keeps declarations unread
        }
        DTD_DENIED = denied;
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(StaxXmlPullParser.class, MethodHandles.lookup());
            WRAP = lookup.findConstructor(StaxXmlPullParser.class, MethodType.methodType(void.class, XMLStreamReader.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Override
    public XmlPullParser newXmlPullParser(Reader reader) throws XmlPullParserException {
        XMLStreamReader stream;
        try {
            stream = FACTORY.createXMLStreamReader(reader);
        } catch (XMLStreamException e) {
            throw new XmlPullParserException(e);
        }
        try {
            return (XmlPullParser) WRAP.invoke(stream);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot wrap the StAX reader", t);
        }
    }
}
