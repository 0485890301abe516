package io.peerlink.sealed;

import static io.peerlink.sealed.SealedMessagesTest.DAY;
import static io.peerlink.sealed.SealedMessagesTest.NOW;
import static io.peerlink.sealed.SealedMessagesTest.RANDOM;
import static io.peerlink.sealed.SealedMessagesTest.refused;
import static org.assertj.core.api.Assertions.assertThat;

import io.peerlink.identity.Identity;
import io.peerlink.sealed.SealedException.Reason;
import io.peerlink.support.TestIdentities;
import org.junit.jupiter.api.Test;

/** The cache of verified sender certificates: bounded, and never holding one that failed. */
class VerifiedCertificatesTest {

    final Identity alice = TestIdentities.named("alice");
    final Identity mallory = TestIdentities.named("mallory");

    @Test
    void remembersAVerifiedCertificateAndForgetsTheLeastRecentlyUsedBeyondItsCapacity() throws Exception {
        VerifiedCertificates cache = new VerifiedCertificates(2);
        SenderCertificate[] certs = new SenderCertificate[3];
        for (int i = 0; i < certs.length; i++) {
            certs[i] = SealingKey.generate(alice, NOW + DAY + i, RANDOM).certificate();
            assertThat(cache.sender(certs[i].encode(), certs[i])).isEqualTo(alice.publicKey());
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.sender(certs[2].encode(), certs[2])).isEqualTo(alice.publicKey());
    }

    @Test
    void neverCachesACertificateThatFailed() {
        VerifiedCertificates cache = new VerifiedCertificates(8);
        SenderCertificate mallorys = SealingKey.generate(mallory, NOW + DAY, RANDOM).certificate();
        SenderCertificate claim = new SenderCertificate(alice.publicKey().spki(), mallorys.sealingKey(),
                mallorys.expiresAt(), mallorys.signature());
        for (int i = 0; i < 2; i++) {
            refused(() -> cache.sender(claim.encode(), claim), Reason.BAD_SIGNATURE);
        }
        assertThat(cache.size()).isZero();
    }
}
