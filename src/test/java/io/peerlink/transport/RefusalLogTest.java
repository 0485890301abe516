package io.peerlink.transport;

import static io.peerlink.transport.AdmissionTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** At most one line per source a minute, on a clock the test moves by hand. */
class RefusalLogTest {

    private long now = TimeUnit.DAYS.toNanos(3);
    private final RefusalLog refusals = new RefusalLog(() -> now);

    @Test
    void logsTheFirstRefusalFromASourceAndCountsTheRestOfTheMinute() {
        InetAddress attacker = ip("127.0.5.4");
        assertThat(refusals.admit(attacker, "max-handshakes-per-address")).isEmpty();
        for (int i = 0; i < 1000; i++) {
            now += TimeUnit.MILLISECONDS.toNanos(100);
            assertThat(refusals.admit(attacker, i % 5 == 0 ? "handshake_decrypt_failed" : "max-handshakes-per-address"))
                    .as("refusal %d, %d ms after the first", i, (i + 1) * 100).isNull();
            if ((i + 1) * 100 >= 59_900) {
                break;
            }
        }
        now += TimeUnit.MILLISECONDS.toNanos(100); // a minute after the first line
        assertThat(refusals.admit(attacker, "rate-limited")).isEqualTo(" (599 more from this address since its last "
                + "line, not logged: handshake_decrypt_failed 120, max-handshakes-per-address 479)");
        assertThat(refusals.admit(attacker, "rate-limited")).isNull();
    }

    @Test
    void eachSourceHasItsOwnMinute() {
        assertThat(refusals.admit(ip("127.0.5.4"), "io")).isEmpty();
        assertThat(refusals.admit(ip("127.0.5.4"), "io")).isNull();
        assertThat(refusals.admit(ip("127.0.5.5"), "io")).isEmpty();
        assertThat(refusals.admit(ip("::1"), "io")).isEmpty();
    }

    @Test
    void aQuietSourceIsLoggedAgainWithoutASummary() {
        assertThat(refusals.admit(ip("127.0.5.4"), "io")).isEmpty();
        now += TimeUnit.MINUTES.toNanos(5);
        assertThat(refusals.admit(ip("127.0.5.4"), "io")).isEmpty();
    }

    @Test
    void tracksABoundedNumberOfSources() {
        for (int i = 0; i < RefusalLog.MAX_SOURCES; i++) {
            assertThat(refusals.admit(ip("10.1." + (i >> 8) + "." + (i & 0xff)), "io")).isEmpty();
        }
        assertThat(refusals.admit(ip("10.9.9.9"), "io")).as("a new source while the table is full").isNull();
        now += TimeUnit.MINUTES.toNanos(1);
        assertThat(refusals.admit(ip("10.9.9.9"), "io")).as("once the old minutes are over").isEmpty();
    }
}
