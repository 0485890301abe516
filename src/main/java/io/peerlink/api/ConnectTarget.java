package io.peerlink.api;

import io.peerlink.transport.Invite;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@link ConnectRequest} names where to dial in exactly one way: an invite, or a host and a port
 * (with an optional fingerprint). Each problem is reported on the field it concerns, like any other
 * validation error.
 */
@Documented
@Constraint(validatedBy = ConnectTarget.Validator.class)
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@interface ConnectTarget {

    String message() default "give an invite, or a host and a port";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Validator implements ConstraintValidator<ConnectTarget, ConnectRequest> {

        @Override
        public boolean isValid(ConnectRequest r, ConstraintValidatorContext context) {
            if (r == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            boolean valid = true;
            if (r.invite() != null) {
                if (r.host() != null || r.port() != null || r.expectedFingerprint() != null) {
                    valid = violation(context, "invite", "goes alone: leave host, port and expectedFingerprint out");
                } else {
                    try {
                        Invite.parseLink(r.invite());
                    } catch (IllegalArgumentException e) {
                        valid = violation(context, "invite", "is not an invite (" + e.getMessage() + ")");
                    }
                }
                return valid;
            }
            if (r.host() == null || r.host().isBlank()) {
                valid = violation(context, "host", "must not be blank");
            }
            if (r.port() == null) {
                valid = violation(context, "port", "is required") && valid;
            }
            return valid;
        }

        private static boolean violation(ConstraintValidatorContext context, String field, String message) {
            context.buildConstraintViolationWithTemplate(literal(message))
                    .addPropertyNode(field).addConstraintViolation();
            return false;
        }

        /**
         * The message as a template that interpolates to itself. The message can carry the caller's
         * text (an invalid invite), and both Spring's message-source step and Hibernate Validator read
         * a backslash, '{', '}' and '$' as syntax: an unescaped '}' costs the interpolator a recursion
         * into everything before it, so a body of 64 closing braces kept a request thread busy for
         * ever (found by fuzzing). The backslash goes first so the escapes added after it stay escapes.
         */
        static String literal(String message) {
            return message.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("$", "\\$");
        }
    }
}
