package org.halley.bench.push;

import java.net.InetAddress;
import java.net.ServerSocket;

/** Prints a port free on 127.0.0.1 (for the bench script). */
public final class FreePort {
    private FreePort() {}

    public static void main(String[] args) throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            System.out.println(s.getLocalPort());
        }
    }
}
