package io.peerlink.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The invite grammar of docs/PROTOCOL.md section 3: address, pin and query parameters. */
class InviteTest {

    private static final String ID = "ab".repeat(32);
    private static final String RELAY_ID = "cd".repeat(32);
    private static final String GRANT = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);

    @Test
    void anInviteWithoutParametersIsTheAddressAndThePin() {
        Invite invite = Invite.read(Invite.format(ID, "192.0.2.10:5555"));
        assertThat(invite.peerId()).isEqualTo(ID);
        assertThat(invite.direct()).isEqualTo(new DialTarget("192.0.2.10", 5555, ID));
        assertThat(invite.relays()).isEmpty();
        assertThat(invite.grant()).isNull();
        assertThat(invite.grantBytes()).isNull();
    }

    @Test
    void carriesAOneTimeGrantAsBase64UrlBytes() {
        String text = Invite.format(ID, "[2001:db8::1]:5555", GRANT);
        assertThat(text).isEqualTo("peerlink://" + ID + "@[2001:db8::1]:5555?grant=" + GRANT);
        Invite invite = Invite.read(text);
        assertThat(invite.direct()).isEqualTo(new DialTarget("2001:db8::1", 5555, ID));
        assertThat(invite.grant()).isEqualTo(GRANT);
        assertThat(invite.grantBytes()).hasSize(32).containsOnly(0);
        assertThat(Invite.parse(text)).isEqualTo(new DialTarget("2001:db8::1", 5555, ID));
    }

    @Test
    void grantAndRelaysCombineInAnyOrderAndTheRelayMayRepeat() {
        String relay1 = RELAY_ID + "@relay.example:5555";
        String relay2 = RELAY_ID + "@[2001:db8::2]:6000";
        for (String query : List.of("grant=" + GRANT + "&relay=" + relay1 + "&relay=" + relay2,
                "relay=" + relay1 + "&grant=" + GRANT + "&relay=" + relay2,
                "relay=" + relay1.replace("@", "%40") + "&grant=" + GRANT + "&relay=" + relay2)) {
            Invite invite = Invite.read("peerlink://" + ID + "@h.example:1?" + query);
            assertThat(invite.grant()).as(query).isEqualTo(GRANT);
            assertThat(invite.relays()).as(query).containsExactly(new DialTarget("relay.example", 5555, RELAY_ID),
                    new DialTarget("2001:db8::2", 6000, RELAY_ID));
        }
    }

    @Test
    void aRelayOnlyInviteHasNoDirectAddressAndCannotBeDialledDirectly() {
        Invite invite = Invite.read("peerlink://" + ID + "?relay=" + RELAY_ID + "@relay.example:5555&grant=" + GRANT);
        assertThat(invite.peerId()).isEqualTo(ID);
        assertThat(invite.direct()).isNull();
        assertThat(invite.relays()).hasSize(1);
        assertThatThrownBy(invite::target).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no direct address");
    }

    @Test
    void refusesWhatItDoesNotUnderstandSayingWhat() {
        String base = "peerlink://" + ID + "@h:1";
        assertRefused(base + "?x=y", "unknown invite parameter 'x'");
        assertRefused(base + "?grant=" + GRANT + "&grant=" + GRANT, "at most one grant");
        assertRefused(base + "?grant=", "has no value");
        assertRefused(base + "?grant", "has no value");
        assertRefused(base + "?", "query is empty");
        assertRefused(base + "?grant=" + GRANT.substring(0, 20), "it must have 16 to 64");
        assertRefused(base + "?grant=" + "A".repeat(90), "it must have 16 to 64");
        assertRefused(base + "?grant=" + GRANT.substring(0, 31) + "+" + GRANT.substring(32), "'+'");
        assertRefused(base + "?grant=" + GRANT.substring(0, 31) + "/" + GRANT.substring(32), "base64url");
        assertRefused(base + "?grant=" + GRANT + "=", "base64url");
        assertRefused(base + "?grant=%zz", "percent-encoding");
        assertRefused(base + "?relay=relay.example:5555", "<relayId>@<host>:<port>");
        assertRefused(base + "#frag", "fragment");
        assertRefused("peerlink://" + ID, "must name a relay");
        assertRefused("peerlink://" + ID + "?grant=" + GRANT, "must name a relay");
        assertRefused("peerlink://h.example:1?relay=" + RELAY_ID + "@r:1", "names no peerId");
    }

    @Test
    void neverShowsTheGrantInItsText() {
        Invite invite = Invite.read(Invite.format(ID, "h:1", GRANT));
        assertThat(invite.toString()).doesNotContain(GRANT).contains("grant=yes");
    }

    private static void assertRefused(String invite, String because) {
        assertThatThrownBy(() -> Invite.read(invite)).as(invite).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(because);
    }
}
