package io.peerlink.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Invites with relays: the grammar of docs/PROTOCOL.md section 3. */
class InviteTest {

    private static final String PEER = "ab".repeat(32);
    private static final String RELAY = "cd".repeat(32);
    private static final String RELAY2 = "ef".repeat(32);

    @Test
    void carriesRelaysBesideTheDirectAddress() {
        Invite.Link link = Invite.parseLink("peerlink://" + PEER + "@192.0.2.10:5555?relay=" + RELAY
                + "@relay.example.org:5555&relay=" + RELAY2 + "@[2001:db8::1]:7000");
        assertThat(link.peerId()).isEqualTo(PEER);
        assertThat(link.direct()).isEqualTo(new DialTarget("192.0.2.10", 5555, PEER));
        assertThat(link.relays()).containsExactly(new DialTarget("relay.example.org", 5555, RELAY),
                new DialTarget("2001:db8::1", 7000, RELAY2));
        assertThat(link.parameters()).containsOnlyKeys("relay");
    }

    @Test
    void mayNameOnlyRelays() {
        Invite.Link link = Invite.parseLink("peerlink://" + PEER + "?relay=" + RELAY + "@192.0.2.1:5555");
        assertThat(link.direct()).isNull();
        assertThat(link.relays()).containsExactly(new DialTarget("192.0.2.1", 5555, RELAY));
        assertThatThrownBy(() -> Invite.parse("peerlink://" + PEER + "?relay=" + RELAY + "@192.0.2.1:5555"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no direct address");
    }

    @Test
    void formatsWhatItParses() {
        List<DialTarget> relays = List.of(new DialTarget("192.0.2.1", 5555, RELAY));
        String invite = Invite.format(PEER, "192.0.2.10:5555", relays);
        assertThat(invite).isEqualTo("peerlink://" + PEER + "@192.0.2.10:5555?relay=" + RELAY + "@192.0.2.1:5555");
        assertThat(Invite.parseLink(invite).relays()).isEqualTo(relays);
        assertThat(Invite.parseLink(Invite.format(PEER, null, relays)).direct()).isNull();
        assertThat(Invite.format(PEER, "192.0.2.10:5555")).isEqualTo("peerlink://" + PEER + "@192.0.2.10:5555");
    }

    @Test
    void refusesBadRelaysAndUnknownParameters() {
        for (String bad : List.of(
                "peerlink://" + PEER + "?relay=192.0.2.1:5555",
                "peerlink://" + PEER + "@h:1?relay=" + RELAY + "@h",
                "peerlink://" + PEER + "@h:1?relay",
                "peerlink://" + PEER + "@h:1?colour=red&relay=" + RELAY + "@h:1",
                "peerlink://" + PEER,
                "peerlink://" + PEER + "@h:1?relay=" + RELAY + "@h:1#frag")) {
            assertThatThrownBy(() -> Invite.parseLink(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
