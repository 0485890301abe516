package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.RSAKey;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CryptoProvidersTest {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static KeyPair keys;

    @BeforeAll
    static void keys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    @AfterEach
    void backToTheDefault() {
        CryptoProviders.configure(CryptoProviders.Setting.AUTO);
    }

    @Test
    void accpLoadsAndPassesItsSelfTestsOnTheLinuxPlatformsItShipsFor() {
        // the build packages ACCP's native library for x86_64 and aarch64 Linux (pom.xml, accp-aarch64)
        String os = System.getProperty("os.name");
        String arch = System.getProperty("os.arch");
        if (os.equals("Linux") && (arch.equals("amd64") || arch.equals("aarch64"))) {
            assertThat(CryptoProviders.accpAvailable()).as(CryptoProviders.selection().accpUnavailable()).isTrue();
            assertThat(CryptoProviders.selection().accpUnavailable()).isNull();
        } else {
            assertThat(CryptoProviders.accpAvailable()).isFalse();
        }
    }

    @Test
    void autoUsesAccpForRsaOaepDecryptionOnlyAndTheJdkForAesGcm() {
        CryptoProviders.configure(CryptoProviders.Setting.AUTO);
        boolean accp = CryptoProviders.accpAvailable(); // waits for the background load
        CryptoProviders.Selection selection = CryptoProviders.selection();
        if (accp) {
            assertThat(selection.rsaOaepDecrypt()).startsWith("AmazonCorrettoCryptoProvider ");
            assertThat(CryptoProviders.rsaOaepDecrypt()).isSameAs(CryptoProviders.accp());
        } else {
            assertThat(selection.rsaOaepDecrypt()).startsWith("SunJCE ");
            assertThat(CryptoProviders.rsaOaepDecrypt()).isNull();
        }
        assertThat(selection.aesGcm()).startsWith("SunJCE ");
        assertThat(CryptoProviders.aesGcm()).isNull();
    }

    @Test
    void jdkUsesTheJdkForBoth() {
        CryptoProviders.Selection selection = CryptoProviders.configure(CryptoProviders.Setting.JDK);
        assertThat(selection.rsaOaepDecrypt()).startsWith("SunJCE ");
        assertThat(selection.aesGcm()).startsWith("SunJCE ");
        assertThat(selection.accpUnavailable()).isEqualTo("peerlink.crypto-provider=jdk");
        assertThat(CryptoProviders.rsaOaepDecrypt()).isNull();
        assertThat(CryptoProviders.aesGcm()).isNull();
    }

    @Test
    void accpUsesAccpForBothOrRefusesWhenItCannotLoad() {
        if (CryptoProviders.accpAvailable()) {
            CryptoProviders.Selection selection = CryptoProviders.configure(CryptoProviders.Setting.ACCP);
            assertThat(selection.rsaOaepDecrypt()).startsWith("AmazonCorrettoCryptoProvider ");
            assertThat(selection.aesGcm()).startsWith("AmazonCorrettoCryptoProvider ");
            assertThat(CryptoProviders.rsaOaepDecrypt()).isSameAs(CryptoProviders.accp());
            assertThat(CryptoProviders.aesGcm()).isSameAs(CryptoProviders.accp());
        } else {
            assertThatThrownBy(() -> CryptoProviders.configure(CryptoProviders.Setting.ACCP))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("ACCP is not available");
        }
    }

    @Test
    void parsesTheSettingInAnyCaseAndRefusesOthers() {
        assertThat(CryptoProviders.Setting.parse("auto")).isEqualTo(CryptoProviders.Setting.AUTO);
        assertThat(CryptoProviders.Setting.parse(" ACCP ")).isEqualTo(CryptoProviders.Setting.ACCP);
        assertThat(CryptoProviders.Setting.parse("Jdk")).isEqualTo(CryptoProviders.Setting.JDK);
        assertThatThrownBy(() -> CryptoProviders.Setting.parse("bouncycastle"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("auto, accp or jdk");
    }

    @Test
    void rsaOaepCiphertextsOfEitherProviderDecryptWithTheOther() throws GeneralSecurityException {
        for (TestProviders from : TestProviders.values()) {
            for (TestProviders to : TestProviders.values()) {
                byte[] secret = new byte[32];
                RANDOM.nextBytes(secret);
                Cipher encryption = CryptoProviders.cipher(RsaOaep.TRANSFORMATION, from.provider());
                encryption.init(Cipher.ENCRYPT_MODE, keys.getPublic(), RsaOaep.PARAMETERS, RANDOM);
                byte[] ciphertext = encryption.doFinal(secret);
                assertThat(ciphertext).hasSize(RsaOaep.ciphertextLength((RSAKey) keys.getPublic()));
                assertThat(RsaOaep.decrypt(keys.getPrivate(), ciphertext, to.provider())).as(from + " -> " + to)
                        .isEqualTo(secret);
            }
        }
    }

    @Test
    void translatesAPrivateKeyForAccpOnceAndNotForTheJdk() {
        assertThat(CryptoProviders.providerKey(keys.getPrivate(), null)).isSameAs(keys.getPrivate());
        if (CryptoProviders.accpAvailable()) {
            var translated = CryptoProviders.providerKey(keys.getPrivate(), CryptoProviders.accp());
            assertThat(translated).isNotSameAs(keys.getPrivate());
            assertThat(translated.getClass().getName()).startsWith("com.amazon.corretto.crypto.provider.");
            assertThat(CryptoProviders.providerKey(keys.getPrivate(), CryptoProviders.accp())).isSameAs(translated);
        }
    }

    @Test
    void rsaOaepEncryptionDrawsItsSeedFromTheCallersRandomWhateverTheSetting() {
        for (CryptoProviders.Setting setting : CryptoProviders.Setting.values()) {
            if (setting == CryptoProviders.Setting.ACCP && !CryptoProviders.accpAvailable()) {
                continue;
            }
            CryptoProviders.configure(setting);
            int[] drawn = new int[1];
            SecureRandom counting = new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    drawn[0] += bytes.length;
                    RANDOM.nextBytes(bytes);
                }
            };
            RsaOaep.encrypt(keys.getPublic(), new byte[32], counting);
            // the OAEP seed is one hash length: SHA-256, 32 bytes
            assertThat(drawn[0]).as(setting.name()).isEqualTo(32);
        }
    }

    @Test
    void rsaOaepOfEitherProviderRefusesMgf1Sha1Ciphertexts() throws GeneralSecurityException {
        // OAEP with SHA-256 but MGF1-SHA-1 (what OAEPWithSHA-256AndMGF1Padding alone means to the JDK)
        Cipher sha1Mgf = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
        sha1Mgf.init(Cipher.ENCRYPT_MODE, keys.getPublic(), RANDOM);
        byte[] ciphertext = sha1Mgf.doFinal(new byte[32]);
        for (TestProviders p : TestProviders.values()) {
            assertThatThrownBy(() -> RsaOaep.decrypt(keys.getPrivate(), ciphertext, p.provider())).as(p.name())
                    .isInstanceOf(GeneralSecurityException.class);
        }
    }

    @Test
    void aesGcmRecordsOfEitherProviderOpenWithTheOther() throws GeneralSecurityException {
        byte[] key = new byte[AesGcm.KEY_LENGTH];
        RANDOM.nextBytes(key);
        byte[] aad = {0x17, 0, 0, 0, 42};
        for (int size : new int[] {0, 1, 64, 4096, 65536}) {
            byte[] plaintext = new byte[size];
            RANDOM.nextBytes(plaintext);
            for (TestProviders from : TestProviders.values()) {
                for (TestProviders to : TestProviders.values()) {
                    byte[] sealed = new AesGcm(key, from.provider()).seal(7, aad, plaintext);
                    assertThat(sealed).hasSize(size + AesGcm.TAG_LENGTH);
                    assertThat(new AesGcm(key, to.provider()).open(7, aad, sealed)).as(from + " -> " + to + ", " + size)
                            .isEqualTo(plaintext);
                    sealed[sealed.length - 1] ^= 1;
                    assertThatThrownBy(() -> new AesGcm(key, to.provider()).open(7, aad, sealed))
                            .isInstanceOf(GeneralSecurityException.class);
                }
            }
        }
    }
}
