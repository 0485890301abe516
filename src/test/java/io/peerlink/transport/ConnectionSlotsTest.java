package io.peerlink.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.support.TestIdentities;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The accounting of {@link ConnectionSlots}, without sockets: caps, the reserve, hand-over, give-back. */
class ConnectionSlotsTest {

    private static ConnectionSlots slots(int max, int reserved, int perAddress) {
        return new ConnectionSlots(max, reserved, perAddress, new PeerDirectory(TestIdentities.named("victim")));
    }

    private static SourceAddress source(String address) throws Exception {
        return SourceAddress.of(InetAddress.getByName(address));
    }

    @Test
    void thePerAddressCapOfUnknownIdentitiesCountsAnIpv6Slash64AsOneAddress() throws Exception {
        ConnectionSlots slots = slots(64, 16, 2);
        Slot first = slots.forUnknown(source("2001:db8:0:1::1")).slot();
        assertThat(first).isNotNull();
        assertThat(slots.forUnknown(source("2001:db8:0:1::ffff")).slot()).isNotNull();
        assertThat(slots.forUnknown(source("2001:db8:0:1:abcd::7")).refusal())
                .isEqualTo(InboundRefusal.UNKNOWN_PER_ADDRESS);
        assertThat(slots.forUnknown(source("2001:db8:0:2::1")).slot()).as("another /64").isNotNull();
        assertThat(slots.forUnknown(source("::ffff:192.0.2.1")).slot()).isNotNull();
        assertThat(slots.heldByUnknown(source("192.0.2.1"))).as("IPv4-mapped is its IPv4 address").isEqualTo(1);

        first.close();
        first.close();
        assertThat(slots.heldByUnknown(source("2001:db8:0:1::2"))).isEqualTo(1);
        assertThat(slots.forUnknown(source("2001:db8:0:1::3")).slot()).isNotNull();
        assertThat(slots.free()).isEqualTo(64 - 4);
    }

    @Test
    void unknownIdentitiesHoldAtMostTheUnreservedPartAndContactsTheRest() throws Exception {
        ConnectionSlots slots = slots(4, 2, 4);
        Slot a = slots.forUnknown(source("192.0.2.1")).slot();
        Slot b = slots.forUnknown(source("192.0.2.2")).slot();
        assertThat(slots.forUnknown(source("192.0.2.3")).refusal()).isEqualTo(InboundRefusal.UNKNOWN_TOTAL);
        Slot c = slots.tryFree();
        Slot d = slots.tryFree();
        assertThat(c).isNotNull();
        assertThat(d).isNotNull();
        assertThat(slots.tryFree()).isNull();
        assertThat(slots.free()).isZero();
        // full, but a contact could still take an unknown's slot
        assertThat(slots.roomForContact()).isTrue();

        a.close();
        b.close();
        assertThat(slots.heldByUnknown()).isZero();
        Slot e = slots.tryFree();
        Slot f = slots.tryFree();
        assertThat(slots.roomForContact()).as("full of contacts: nobody to let go").isFalse();
        assertThat(slots.forUnknown(source("192.0.2.3")).refusal()).isEqualTo(InboundRefusal.CAPACITY);
        for (Slot s : new Slot[] {c, d, e, f}) {
            s.close();
        }
        assertThat(slots.free()).isEqualTo(4);
    }

    @Test
    void anUnknownsSlotHandedOverKeepsItsUnitCountedOnceForTheContact() throws Exception {
        ConnectionSlots slots = slots(2, 1, 4);
        Slot unknown = slots.forUnknown(source("192.0.2.1")).slot();
        Slot contact = slots.tryFree();
        assertThat(slots.free()).isZero();

        assertThat(unknown.handOver()).isTrue();
        assertThat(unknown.handOver()).as("once").isFalse();
        assertThat(slots.heldByUnknown()).isZero();
        assertThat(slots.free()).as("the unit passed on, not given back").isZero();
        unknown.close();
        assertThat(slots.free()).as("closing a handed-over slot gives nothing back").isZero();

        // a slot already given back cannot be handed over
        Slot again = slots.forUnknown(source("192.0.2.1")).slot();
        assertThat(again).as("the reserved one is taken: no room").isNull();
        contact.close();
        Slot later = slots.forUnknown(source("192.0.2.1")).slot();
        later.close();
        assertThat(later.handOver()).isFalse();
        assertThat(slots.free()).isEqualTo(1);
    }

    @Test
    void withNoReserveNobodyIsLetGoAndAFullPeerIsNotWorthAHandshake() throws Exception {
        ConnectionSlots slots = slots(1, 0, 4);
        Slot unknown = slots.forUnknown(source("192.0.2.1")).slot();
        assertThat(unknown).isNotNull();
        assertThat(slots.roomForContact()).isFalse();
        assertThat(slots.forContact()).isNull();
        unknown.close();
        assertThat(slots.roomForContact()).isTrue();
    }
}
