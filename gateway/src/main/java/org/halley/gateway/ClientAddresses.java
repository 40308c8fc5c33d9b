package org.halley.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.halley.bridges.Login;
import org.halley.config.IpRange;

/**
 * The browser's address, as the IRC network should see it (WEBIRC, the hex ident, per-address
 * quotas). Behind proxies it is the right-most {@code X-Forwarded-For} hop that is not itself a
 * trusted proxy: each proxy appends the address it saw, so hops to the left of the first
 * untrusted one were written by the client and prove nothing. With no trusted proxies, or a peer
 * that is not one, it is the TCP peer. Pure.
 */
final class ClientAddresses {
    private ClientAddresses() {}

    static Login.ClientAddress resolve(InetSocketAddress remote, List<String> forwardedFor, List<IpRange> trusted) {
        byte[] peer = remote.getAddress().getAddress();
        if (trusted.isEmpty() || !isTrusted(peer, trusted)) {
            return address(peer);
        }
        byte[] client = peer;
        for (int i = forwardedFor.size() - 1; i >= 0; i--) {
            byte[] hop = hop(forwardedFor.get(i));
            if (hop == null) {
                break; // not an address: trust ends at the last proxy that wrote one
            }
            client = hop;
            if (!isTrusted(hop, trusted)) {
                break;
            }
        }
        return address(client);
    }

    /** One hop: {@code 1.2.3.4}, {@code 1.2.3.4:567}, {@code 2001:db8::1}, {@code [2001:db8::1]:443}; null if none of those. */
    static byte[] hop(String text) {
        String h = text.strip();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close < 0 ? null : IpRange.literal(h.substring(1, close));
        }
        int colon = h.indexOf(':');
        if (colon > 0 && colon == h.lastIndexOf(':')) {
            h = h.substring(0, colon); // IPv4 with a port
        }
        return IpRange.literal(h);
    }

    private static boolean isTrusted(byte[] address, List<IpRange> trusted) {
        for (IpRange r : trusted) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Canonical text, IPv4-mapped IPv6 as IPv4; the host name is the address (no DNS here). */
    private static Login.ClientAddress address(byte[] bytes) {
        try {
            String ip = InetAddress.getByAddress(bytes).getHostAddress(); // an IPv4-mapped address comes back as IPv4
            int scope = ip.indexOf('%');
            if (scope >= 0) {
                ip = ip.substring(0, scope);
            }
            return new Login.ClientAddress(ip, ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + bytes.length + " bytes", e);
        }
    }
}
