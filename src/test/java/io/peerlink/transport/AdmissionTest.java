package io.peerlink.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The handshake budget and the per-source rate limit, on a clock the test moves by hand. */
class AdmissionTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private long now = 1_000_000 * MS;

    @Test
    void refusesAnAddressAtItsPerAddressCapAndAdmitsOthers() {
        Admission admission = new Admission(32, 3);
        List<Slot> held = admitAll(admission, ip("127.0.5.4"), 3);
        assertThat(admission.admit(ip("127.0.5.4"), now).refusal()).isEqualTo(InboundRefusal.MAX_HANDSHAKES_PER_ADDRESS);
        assertThat(admission.admit(ip("127.0.5.5"), now).admitted()).isTrue();
        held.getFirst().close();
        assertThat(admission.admit(ip("127.0.5.4"), now).admitted()).as("a slot came back").isTrue();
    }

    @Test
    void refusesEveryAddressAtTheTotalCap() {
        Admission admission = new Admission(4, 4);
        for (int i = 0; i < 4; i++) {
            assertThat(admission.admit(ip("127.0.5." + (10 + i)), now).admitted()).isTrue();
        }
        assertThat(admission.admit(ip("127.0.5.20"), now).refusal()).isEqualTo(InboundRefusal.MAX_HANDSHAKES);
        assertThat(admission.inProgress()).isEqualTo(4);
    }

    @Test
    void givesEachSlotBackExactlyOnce() {
        Admission admission = new Admission(2, 2);
        InetAddress a = ip("127.0.5.4");
        Slot slot = admission.admit(a, now).slot();
        Slot other = admission.admit(a, now).slot();
        slot.close();
        slot.close();
        slot.close();
        assertThat(admission.inProgress()).isEqualTo(1);
        assertThat(admission.inProgress(a)).isEqualTo(1);
        other.close();
        assertThat(admission.inProgress()).isZero();
        assertThat(admission.inProgress(a)).isZero();
    }

    @Test
    void doesNotRateLimitWhileAtMostHalfTheBudgetIsUsed() {
        Admission admission = new Admission(32, 32);
        InetAddress source = ip("127.0.5.4");
        for (int i = 0; i < 20; i++) {
            Admission.Decision d = admit(admission, source);
            assertThat(d.admitted()).as("connection %d, %d in progress", i, admission.inProgress()).isTrue();
            d.slot().close(); // each handshake ends at once: never more than one in progress
        }
        // 16 of 32 in progress is half, not more than half: still no limit
        admitAll(admission, ip("127.0.5.9"), 16);
        for (int i = 0; i < 20; i++) {
            Admission.Decision d = admit(admission, source);
            assertThat(d.admitted()).isTrue();
            d.slot().close();
        }
    }

    @Test
    void underLoadASourceGetsABurstOfFiveThenTwentyASecond() {
        Admission admission = new Admission(32, 32);
        loadAboveHalf(admission, 32);
        InetAddress source = ip("127.0.5.4");
        assertThat(admitted(admission, source, 10)).as("the burst").isEqualTo(SourceRateLimiter.BURST);
        now += 49 * MS;
        assertThat(admitted(admission, source, 1)).as("49 ms later: no whole token yet").isZero();
        now += 1 * MS;
        assertThat(admitted(admission, source, 5)).as("50 ms: one token").isEqualTo(1);
        now += 1000 * MS;
        assertThat(admitted(admission, source, 100)).as("a second later: full again, not more")
                .isEqualTo(SourceRateLimiter.BURST);
        // over two seconds at 100 tries a second, about 20 a second get through
        int through = 0;
        for (int tick = 0; tick < 200; tick++) {
            now += 10 * MS;
            through += admitted(admission, source, 1);
        }
        assertThat(through).isEqualTo(2 * SourceRateLimiter.PER_SECOND);
    }

    @Test
    void underLoadSourcesHaveTheirOwnBuckets() {
        Admission admission = new Admission(64, 64);
        loadAboveHalf(admission, 64);
        assertThat(admitted(admission, ip("127.0.5.4"), 10)).isEqualTo(SourceRateLimiter.BURST);
        assertThat(admitted(admission, ip("127.0.5.5"), 10)).isEqualTo(SourceRateLimiter.BURST);
    }

    @Test
    void anIpv6Slash64SharesOneBucket() {
        Admission admission = new Admission(64, 64);
        loadAboveHalf(admission, 64);
        int through = 0;
        for (int i = 1; i <= 10; i++) {
            through += admitted(admission, ip("2001:db8:0:1::" + Integer.toHexString(i)), 1);
        }
        assertThat(through).isEqualTo(SourceRateLimiter.BURST);
        assertThat(admitted(admission, ip("2001:db8:0:2::1"), 1)).as("another /64").isEqualTo(1);
    }

    @Test
    void everyHandshakeThatDecryptsPaysATokenAlsoWithoutLoad() {
        Admission admission = new Admission(32, 32);
        InetAddress source = ip("127.0.5.4");
        // no load: connections are admitted, but each CLIENT_HELLO must pay before it is decrypted
        int decrypted = 0;
        for (int i = 0; i < 12; i++) {
            Admission.Decision d = admit(admission, source);
            assertThat(d.admitted()).isTrue();
            assertThat(d.paid()).as("nothing paid at accept without load").isFalse();
            if (admission.mayDecrypt(d, now)) {
                decrypted++;
            }
            d.slot().close();
        }
        assertThat(decrypted).as("the burst").isEqualTo(SourceRateLimiter.BURST);
        now += 50 * MS;
        Admission.Decision later = admit(admission, source);
        assertThat(admission.mayDecrypt(later, now)).as("50 ms later: one token").isTrue();
        assertThat(admission.mayDecrypt(admit(admission, source), now)).isFalse();
        assertThat(admission.mayDecrypt(admit(admission, ip("127.0.5.5")), now)).as("another source").isTrue();
    }

    @Test
    void underLoadTheTokenPaidAtAcceptCoversTheDecryption() {
        Admission admission = new Admission(32, 32);
        loadAboveHalf(admission, 32);
        InetAddress source = ip("127.0.5.4");
        List<Admission.Decision> admitted = new ArrayList<>();
        for (int i = 0; i < SourceRateLimiter.BURST; i++) {
            Admission.Decision d = admit(admission, source);
            assertThat(d.paid()).isTrue();
            admitted.add(d);
        }
        assertThat(admit(admission, source).refusal()).isEqualTo(InboundRefusal.RATE_LIMITED);
        // the bucket is empty, yet each of them paid already: one token per handshake, not two
        assertThat(admitted).allSatisfy(d -> assertThat(admission.mayDecrypt(d, now)).isTrue());
    }

    @Test
    void thePerAddressCapCountsAnIpv6Slash64AsOneAddress() {
        Admission admission = new Admission(32, 2);
        assertThat(admit(admission, ip("2001:db8:0:1::1")).admitted()).isTrue();
        assertThat(admit(admission, ip("2001:db8:0:1:ffff:ffff:ffff:ffff")).admitted()).isTrue();
        assertThat(admit(admission, ip("2001:db8:0:1::3")).refusal())
                .isEqualTo(InboundRefusal.MAX_HANDSHAKES_PER_ADDRESS);
        assertThat(admission.inProgress(ip("2001:db8:0:1::99"))).isEqualTo(2);
        assertThat(admit(admission, ip("2001:db8:0:2::1")).admitted()).as("the next /64").isTrue();
    }

    @Test
    void thePerAddressCapCountsAnIpv4MappedAddressAsItsIpv4Address() throws Exception {
        Admission admission = new Admission(32, 2);
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ip("192.0.2.1").getAddress(), 0, mapped, 12, 4);
        InetAddress v6 = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(admit(admission, ip("192.0.2.1")).admitted()).isTrue();
        assertThat(admit(admission, v6).admitted()).isTrue();
        assertThat(admit(admission, ip("192.0.2.1")).refusal()).isEqualTo(InboundRefusal.MAX_HANDSHAKES_PER_ADDRESS);
        assertThat(admit(admission, ip("192.0.2.2")).admitted()).as("IPv4 is per address").isTrue();
    }

    @Test
    void refusesInconsistentBudgets() {
        assertThatThrownBy(() -> new Admission(4, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Admission(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRateLimiterForgetsFullBucketsAndBoundsItsTable() {
        SourceRateLimiter limiter = new SourceRateLimiter();
        for (int i = 0; i < SourceRateLimiter.MAX_SOURCES; i++) {
            assertThat(limiter.allow(ip4(i), now)).isTrue();
        }
        assertThat(limiter.allow(ip4(SourceRateLimiter.MAX_SOURCES), now)).as("table full of fresh buckets")
                .isFalse();
        now += 300 * MS; // every bucket full again: as good as none
        assertThat(limiter.allow(ip4(SourceRateLimiter.MAX_SOURCES), now)).isTrue();
        assertThat(limiter.tracked()).isEqualTo(1);
    }

    private Admission.Decision admit(Admission admission, InetAddress source) {
        return admission.admit(source, now);
    }

    /**
     * Tries {@code n} connections at the same instant and counts the admitted ones; each admitted
     * handshake ends at once, so the load stays where it was.
     */
    private int admitted(Admission admission, InetAddress source, int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            Admission.Decision d = admission.admit(source, now);
            if (d.admitted()) {
                d.slot().close();
                count++;
            } else {
                assertThat(d.refusal()).isEqualTo(InboundRefusal.RATE_LIMITED);
            }
        }
        return count;
    }

    /** Just over half of a budget of {@code max} in progress, from addresses of their own. */
    private void loadAboveHalf(Admission admission, int max) {
        for (int i = 0; 2 * admission.inProgress() <= max; i++) {
            assertThat(admission.admit(ip("127.0.6." + i), now).admitted()).isTrue();
        }
    }

    private List<Slot> admitAll(Admission admission, InetAddress source, int n) {
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Admission.Decision d = admission.admit(source, now);
            assertThat(d.admitted()).isTrue();
            slots.add(d.slot());
        }
        return slots;
    }

    private static SourceAddress ip4(int i) {
        return SourceAddress.of(ip("10." + ((i >> 16) & 0xff) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff)));
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
