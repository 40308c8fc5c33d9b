package org.halley.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.halley.config.IpRange;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private static final List<IpRange> PROXIES = List.of(IpRange.parse("10.0.0.0/8"), IpRange.parse("127.0.0.1"));

    private static String resolve(String peer, List<IpRange> trusted, String... hops) {
        return ClientAddresses.resolve(new InetSocketAddress(peer, 40000), List.of(hops), trusted).ip();
    }

    @Test
    void withoutTrustedProxiesTheSocketAddressIsTheClient() {
        assertThat(resolve("127.0.0.1", List.of(), "6.6.6.6", "198.51.100.23")).isEqualTo("127.0.0.1");
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItClaims() {
        assertThat(resolve("203.0.113.9", PROXIES, "198.51.100.23")).isEqualTo("203.0.113.9");
    }

    @Test
    void theRightMostUntrustedHopIsTheClientNeverTheLeftMost() {
        // the client wrote "6.6.6.6" itself; the first proxy appended what it saw.
        assertThat(resolve("127.0.0.1", PROXIES, "6.6.6.6", "198.51.100.23")).isEqualTo("198.51.100.23");
        assertThat(resolve("127.0.0.1", PROXIES, "6.6.6.6", "198.51.100.23", "10.1.2.3")).isEqualTo("198.51.100.23");
        assertThat(resolve("10.9.9.9", PROXIES, "198.51.100.23:51234", "10.1.2.3")).isEqualTo("198.51.100.23");
    }

    @Test
    void allTrustedMeansTheLeftMostAndGarbageEndsTheTrust() {
        assertThat(resolve("127.0.0.1", PROXIES, "10.0.0.5", "10.0.0.6")).isEqualTo("10.0.0.5");
        assertThat(resolve("127.0.0.1", PROXIES, "198.51.100.23", "unknown", "10.0.0.6")).isEqualTo("10.0.0.6");
        assertThat(resolve("127.0.0.1", PROXIES)).isEqualTo("127.0.0.1");
    }

    @Test
    void ipv6HopsAndMappedAddresses() {
        assertThat(resolve("127.0.0.1", PROXIES, "[2001:db8::1]:443")).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(resolve("127.0.0.1", PROXIES, "2001:db8::2")).isEqualTo("2001:db8:0:0:0:0:0:2");
        assertThat(resolve("127.0.0.1", PROXIES, "::ffff:198.51.100.23")).isEqualTo("198.51.100.23");
        assertThat(ClientAddresses.hop("[oops")).isNull();
        assertThat(ClientAddresses.hop("example.org")).isNull();
    }
}
