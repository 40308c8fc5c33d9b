package org.halley.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpRangeTest {

    @Test
    void blocksContainTheirAddressesOnly() {
        IpRange ten = IpRange.parse("10.0.0.0/8");
        assertThat(ten.contains(IpRange.literal("10.255.1.2"))).isTrue();
        assertThat(ten.contains(IpRange.literal("11.0.0.1"))).isFalse();
        IpRange odd = IpRange.parse("192.168.4.0/22");
        assertThat(odd.contains(IpRange.literal("192.168.7.255"))).isTrue();
        assertThat(odd.contains(IpRange.literal("192.168.8.0"))).isFalse();
        IpRange one = IpRange.parse("127.0.0.1");
        assertThat(one.contains(IpRange.literal("127.0.0.1"))).isTrue();
        assertThat(one.contains(IpRange.literal("127.0.0.2"))).isFalse();
        assertThat(IpRange.parse("0.0.0.0/0").contains(IpRange.literal("8.8.8.8"))).isTrue();
    }

    @Test
    void ipv6AndMappedIpv4() {
        IpRange ula = IpRange.parse("fd00::/8");
        assertThat(ula.contains(IpRange.literal("fd12:3456::1"))).isTrue();
        assertThat(ula.contains(IpRange.literal("fe80::1"))).isFalse();
        assertThat(ula.contains(IpRange.literal("10.0.0.1"))).isFalse();
        assertThat(IpRange.parse("10.0.0.0/8").contains(IpRange.literal("::ffff:10.1.2.3"))).isTrue();
    }

    @Test
    void literalsNeverLookUpNames() {
        assertThat(IpRange.literal("localhost")).isNull();
        assertThat(IpRange.literal("256.1.1.1")).isNull();
        assertThat(IpRange.literal("1.2.3")).isNull();
        assertThat(IpRange.literal("1.2.3.4:80")).isNull();
        assertThat(IpRange.literal("")).isNull();
        assertThat(IpRange.literal("::1")).hasSize(16);
        assertThatThrownBy(() -> IpRange.parse("example.org")).hasMessageContaining("is not an IP address");
    }
}
