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
import io.peerlink.transport.DialTarget;

/**
 * A {@code host:port} peer address: a host name, an IPv4 address or a bracketed IPv6 address
 * ({@code [::1]:5555}), and a port from 1 to 65535, optionally pinned to one identity with a
 * {@code peerId@} prefix.
 */
@Documented
@Constraint(validatedBy = HostAndPort.Validator.class)
@Target({ElementType.TYPE_USE, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
public @interface HostAndPort {

    String message() default "must be [peerId@]host:port with a port from 1 to 65535, e.g. peer.example.org:5555, "
            + "[::1]:5555 or <64 hex digits>@peer.example.org:5555";

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

        /** Parses {@code [peerId@]host:port}, or throws IllegalArgumentException. */
        static DialTarget parse(String value) {
            return DialTarget.parse(value);
        }
    }
}
