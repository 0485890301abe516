package io.peerlink.api;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.deser.jdk.StringDeserializer;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Request bodies are read strictly, for every request record: a JSON value must already have the
 * type of its field. Jackson would otherwise turn {@code {"text": 5}} into {@code "5"},
 * {@code {"port": "5555"}} or {@code {"port": 5555.9}} into {@code 5555}, and {@code true} into
 * {@code "true"}. Also refused: a string with an unpaired UTF-16 surrogate ({@code "\ud800"}, which
 * has no UTF-8 form and would reach the peer as {@code ?}), a key given twice in one object,
 * anything after the top-level value, and a property the request record does not have (a misspelt
 * {@code "recipients"} would otherwise be dropped and the message sent to the default recipient).
 * Each refusal is a 400 problem naming the field.
 */
@Configuration(proxyBeanMethods = false)
class StrictJson {

    @Bean
    JsonMapperBuilderCustomizer strictRequestBodies() {
        return builder -> builder
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Integer, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Float, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, c -> c
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .addModule(new SimpleModule("peerlink-strict-strings")
                        .addDeserializer(String.class, new WellFormedStringDeserializer()));
    }

    /**
     * Strings as Jackson reads them (coercion rules included), refusing any with an unpaired
     * surrogate. The scan is one pass over the characters and stops at the first bad one.
     */
    static final class WellFormedStringDeserializer extends StdScalarDeserializer<String> {

        WellFormedStringDeserializer() {
            super(String.class);
        }

        @Override
        public LogicalType logicalType() {
            return LogicalType.Textual;
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws JacksonException {
            String value = p.hasToken(JsonToken.VALUE_STRING) ? p.getString()
                    : StringDeserializer.instance.deserialize(p, ctxt);
            int bad = unpairedSurrogate(value);
            if (bad >= 0) {
                throw new MalformedTextException(p, bad);
            }
            return value;
        }

        /** Index of the first unpaired surrogate, or -1 when the string is well-formed UTF-16. */
        static int unpairedSurrogate(String s) {
            if (s == null) {
                return -1;
            }
            for (int i = 0, n = s.length(); i < n; i++) {
                char c = s.charAt(i);
                if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        i++;
                    } else {
                        return i;
                    }
                }
            }
            return -1;
        }
    }

    /** A JSON string that is not well-formed Unicode; the message never repeats the string. */
    static final class MalformedTextException extends MismatchedInputException {

        MalformedTextException(JsonParser p, int index) {
            super(p, "unpaired UTF-16 surrogate at character " + index, String.class);
        }
    }
}
