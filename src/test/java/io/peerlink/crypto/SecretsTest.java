package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.SecureRandom;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * What peerlink can wipe, and what the JDK does not let it (docs/PROTOCOL.md section 6): if a JDK
 * starts destroying X25519 keys or {@code SecretKeySpec}, the last test fails and the section must
 * be updated.
 */
class SecretsTest {

    @Test
    void wipesArraysAndSkipsNull() {
        byte[] a = {1, 2, 3};
        byte[] b = {4};
        Secrets.wipe(a, null, b);
        assertThat(a).containsOnly(0);
        assertThat(b).containsOnly(0);
    }

    @Test
    void destroysTheMlKemDecapsulationKeySoItCanNoLongerDecapsulate() throws Exception {
        SecureRandom random = new SecureRandom();
        KeyPair kem = MlKem768.generate(random);
        MlKem768.Encapsulation e = MlKem768.encapsulate(MlKem768.raw(kem.getPublic()), random);
        assertThat(MlKem768.decapsulate(kem.getPrivate(), e.ciphertext())).isEqualTo(e.sharedSecret());

        assertThat(Secrets.destroy(kem.getPrivate())).isTrue();
        assertThat(kem.getPrivate().isDestroyed()).isTrue();
        assertThatThrownBy(() -> MlKem768.decapsulate(kem.getPrivate(), e.ciphertext())).isInstanceOf(Exception.class);
    }

    @Test
    void saysWhenTheJdkCannotDestroyAKey() {
        assertThat(Secrets.destroy(X25519.generate(new SecureRandom()).getPrivate())).isFalse();
        assertThat(Secrets.destroy(new SecretKeySpec(new byte[32], "AES"))).isFalse();
        assertThat(Secrets.destroy(null)).isFalse();
    }
}
