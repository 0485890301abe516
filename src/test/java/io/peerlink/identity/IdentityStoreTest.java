package io.peerlink.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {

    @TempDir
    Path dir;

    @Test
    void createsKeyPairOnFirstStartWithOwnerOnlyPrivateKeyFile() throws Exception {
        Identity created = new IdentityStore(dir, 2048).loadOrCreate();

        Path privateFile = dir.resolve(IdentityStore.PRIVATE_KEY_FILE);
        Path publicFile = dir.resolve(IdentityStore.PUBLIC_KEY_FILE);
        assertThat(Files.readString(privateFile)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(publicFile)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
        assertThat(created.publicKey().bits()).isEqualTo(2048);
        assertThat(created.peerId()).matches("[0-9a-f]{64}");
        RSAPublicKey stored = IdentityStore.parsePublicPem(Files.readString(publicFile));
        assertThat(PeerKey.of(stored).peerId()).isEqualTo(created.peerId());
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("identity.key",
                    "identity.pub");
        }
    }

    @Test
    void createsTheDataDirectoryForItsOwnerOnly() throws Exception {
        Path data = dir.resolve("data");
        new IdentityStore(data, 2048).loadOrCreate();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data))).isEqualTo("rwx------");
    }

    @Test
    void aKeyAndDirectoryOpenToOthersAreMadePrivateAtTheNextStart() throws Exception {
        String peerId = new IdentityStore(dir, 2048).loadOrCreate().peerId();
        Path privateFile = dir.resolve(IdentityStore.PRIVATE_KEY_FILE);
        Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-r--r--"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThat(new IdentityStore(dir, 2048).loadOrCreate().peerId()).isEqualTo(peerId);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateFile))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    }

    @Test
    void keepsTheSamePeerIdAcrossRestarts() throws Exception {
        String first = new IdentityStore(dir, 2048).loadOrCreate().peerId();
        String second = new IdentityStore(dir, 3072).loadOrCreate().peerId();
        assertThat(second).isEqualTo(first);
    }

    @Test
    void refusesStoredKeyUnder2048Bits() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        Files.writeString(dir.resolve(IdentityStore.PRIVATE_KEY_FILE),
                IdentityStore.pem("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded()));
        assertThatThrownBy(() -> new IdentityStore(dir, 2048).loadOrCreate())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("1024-bit")
                .hasMessageContaining("at least 2048");
    }

    @Test
    void createsKeysWithThePublicExponent65537() throws Exception {
        Identity created = new IdentityStore(dir, 2048).loadOrCreate();
        assertThat(created.publicKey().key().getPublicExponent()).isEqualTo(BigInteger.valueOf(65537));
    }

    @Test
    void refusesStoredKeyWithAnotherPublicExponent() throws Exception {
        // every peer would refuse it in the handshake: refused at start, with what to do
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(new RSAKeyGenParameterSpec(2048, BigInteger.valueOf(3)));
        Files.writeString(dir.resolve(IdentityStore.PRIVATE_KEY_FILE),
                IdentityStore.pem("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded()));
        assertThatThrownBy(() -> new IdentityStore(dir, 2048).loadOrCreate())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("public exponent 3; peers accept only 65537")
                .hasMessageContaining("to create a new identity");
    }

    @Test
    void refusesStoredKeyThatIsNotRsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        Files.writeString(dir.resolve(IdentityStore.PRIVATE_KEY_FILE),
                IdentityStore.pem("PRIVATE KEY", g.generateKeyPair().getPrivate().getEncoded()));
        assertThatThrownBy(() -> new IdentityStore(dir, 2048).loadOrCreate())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("does not hold an RSA private key");
    }

    @Test
    void refusesPublicKeyFileThatDoesNotMatch() throws Exception {
        new IdentityStore(dir, 2048).loadOrCreate();
        Path other = Files.createTempDirectory("other");
        new IdentityStore(other, 2048).loadOrCreate();
        Files.copy(other.resolve(IdentityStore.PUBLIC_KEY_FILE), dir.resolve(IdentityStore.PUBLIC_KEY_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> new IdentityStore(dir, 2048).loadOrCreate())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void refusesConfiguredKeySizeUnder2048() {
        assertThatThrownBy(() -> new IdentityStore(dir, 1024)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 2048");
    }
}
