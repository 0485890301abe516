package io.peerlink.config;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetSocketAddress;

/**
 * A {@code host:port} peer address: a host name, an IPv4 address or a bracketed IPv6 address
 * ({@code [::1]:5555}), and a port from 1 to 65535.
 */
@Documented
@Constraint(validatedBy = HostAndPort.Validator.class)
@Target({ElementType.TYPE_USE, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface HostAndPort {

    String message() default "must be host:port with a port from 1 to 65535, e.g. peer.example.org:5555 or [::1]:5555";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** Checks and parses {@code host:port}. */
    final class Validator implements ConstraintValidator<HostAndPort, String> {

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return false;
            }
            try {
                parse(value);
                return true;
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        /** Parses {@code host:port} into an unresolved address, or throws IllegalArgumentException. */
        static InetSocketAddress parse(String value) {
            String s = value.strip();
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || colon == s.length() - 1) {
                throw new IllegalArgumentException("not host:port: " + value);
            }
            String host = s.substring(0, colon);
            String portText = s.substring(colon + 1);
            if (host.startsWith("[")) {
                if (!host.endsWith("]") || host.length() < 3) {
                    throw new IllegalArgumentException("bad IPv6 literal: " + value);
                }
                host = host.substring(1, host.length() - 1);
                if (!host.matches("[0-9A-Fa-f:.%\\w]+") || !host.contains(":")) {
                    throw new IllegalArgumentException("bad IPv6 literal: " + value);
                }
            } else if (host.contains(":") || !host.matches("[A-Za-z0-9._-]+")) {
                // a bare IPv6 address is ambiguous with the port separator: it needs brackets
                throw new IllegalArgumentException("bad host: " + value);
            }
            if (!portText.matches("\\d{1,5}")) {
                throw new IllegalArgumentException("bad port: " + value);
            }
            int port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + value);
            }
            return InetSocketAddress.createUnresolved(host, port);
        }
    }
}
