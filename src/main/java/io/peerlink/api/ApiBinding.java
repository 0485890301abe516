package io.peerlink.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import org.springframework.core.env.Environment;

/**
 * Where the HTTP API listens: {@code server.address} ({@code SERVER_ADDRESS}; 127.0.0.1 in
 * application.yaml, empty for every interface) and {@code server.port}.
 *
 * @param address the setting as given, stripped; empty for every interface
 * @param port the setting as given (8080 when not set)
 * @param resolved the address it names, or null for every interface or a name that does not resolve
 */
record ApiBinding(String address, String port, InetAddress resolved) {

    static ApiBinding of(Environment environment) {
        String address = environment.getProperty("server.address", "").strip();
        String port = environment.getProperty("server.port", "8080").strip();
        InetAddress resolved = null;
        if (!address.isEmpty()) {
            try {
                resolved = InetAddress.getByName(address);
            } catch (UnknownHostException e) {
                resolved = null;   // the web server cannot bind it either and says so
            }
        }
        return new ApiBinding(address, port, resolved);
    }

    /** Listening on every interface ({@code server.address} empty, 0.0.0.0 or ::). */
    boolean everyInterface() {
        return address.isEmpty() || (resolved != null && resolved.isAnyLocalAddress());
    }

    /** Only this machine can connect: {@code server.address} is a loopback address or resolves to one. */
    boolean loopbackOnly() {
        return resolved != null && resolved.isLoopbackAddress();
    }

    /** {@code server.address} in lower case, without brackets: a name or literal the Host may repeat. */
    String normalizedAddress() {
        return ApiProperties.normalize(address.toLowerCase(Locale.ROOT));
    }

    /** For messages: {@code 0.0.0.0:8080 (every network interface)}, {@code 192.0.2.10:8080}. */
    String describe() {
        return everyInterface()
                ? (address.isEmpty() ? "every network interface (server.address not set), port " + port
                        : address + ":" + port + " (every network interface)")
                : address + ":" + port;
    }
}
