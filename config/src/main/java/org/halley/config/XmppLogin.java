package org.halley.config;

/** How people log in to an XMPP bridge. */
public enum XmppLogin {
    /** With their own JID and password (SASL SCRAM preferred; PLAIN only over TLS). */
    ACCOUNT,
    /** SASL ANONYMOUS, where the server allows it. */
    ANONYMOUS;

    /** The YAML spelling. */
    public String yamlName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
