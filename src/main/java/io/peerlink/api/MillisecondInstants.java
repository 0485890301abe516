package io.peerlink.api;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import org.springframework.boot.jackson.JacksonComponent;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Every time the API writes (responses and {@code /api/events} data) has one precision: UTC with
 * exactly three fraction digits, {@code 2026-11-25T10:15:30.123Z}. The store keeps milliseconds, but
 * times taken from the clock directly (when a connection completed its handshake) have nanoseconds,
 * which Jackson's default would print as they are, and a whole second would lose its fraction.
 */
@JacksonComponent
class MillisecondInstants extends StdSerializer<Instant> {

    static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder().appendInstant(3).toFormatter();

    MillisecondInstants() {
        super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializationContext provider) throws JacksonException {
        gen.writeString(FORMAT.format(value));
    }
}
