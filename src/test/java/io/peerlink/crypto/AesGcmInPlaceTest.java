package io.peerlink.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link AesGcm#sealInPlace}/{@link AesGcm#openInPlace} against {@link AesGcm#seal}/{@link AesGcm#open}
 * (which the Wycheproof vectors check): the same bytes, and the same refusals.
 */
class AesGcmInPlaceTest {

    private static final int AAD_OFFSET = 3;
    private static final int AAD_LENGTH = 5;
    private static final int OFFSET = AAD_OFFSET + AAD_LENGTH + 2;

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {0, 1, 15, 16, 17, 255, 4096, 65_536 + 7})
    void sealsAndOpensInPlaceExactlyAsTheCopyingMethods(int length) throws GeneralSecurityException {
        Random random = new Random(length);
        byte[] key = new byte[AesGcm.KEY_LENGTH];
        random.nextBytes(key);
        byte[] aad = new byte[AAD_LENGTH];
        random.nextBytes(aad);
        byte[] plaintext = new byte[length];
        random.nextBytes(plaintext);
        long counter = random.nextLong() >>> 1;

        byte[] buffer = new byte[OFFSET + length + AesGcm.TAG_LENGTH + 4];
        System.arraycopy(aad, 0, buffer, AAD_OFFSET, AAD_LENGTH);
        System.arraycopy(plaintext, 0, buffer, OFFSET, length);
        int sealed = new AesGcm(key).sealInPlace(counter, buffer, AAD_OFFSET, AAD_LENGTH, OFFSET, length);

        byte[] expected = new AesGcm(key).seal(counter, aad, plaintext);
        assertThat(sealed).isEqualTo(length + AesGcm.TAG_LENGTH);
        assertThat(Arrays.copyOfRange(buffer, OFFSET, OFFSET + sealed)).isEqualTo(expected);

        AesGcm opener = new AesGcm(key);
        byte[] tampered = buffer.clone();
        int opened = opener.openInPlace(counter, buffer, AAD_OFFSET, AAD_LENGTH, OFFSET, sealed);
        assertThat(opened).isEqualTo(length);
        assertThat(Arrays.copyOfRange(buffer, OFFSET, OFFSET + length)).isEqualTo(plaintext);

        // the next counter, a changed associated-data byte or a changed tag byte: refused
        byte[] wrongCounter = tampered.clone();
        assertThatThrownBy(() -> opener.openInPlace(counter + 1, wrongCounter, AAD_OFFSET, AAD_LENGTH, OFFSET, sealed))
                .isInstanceOf(GeneralSecurityException.class);
        byte[] wrongAad = tampered.clone();
        wrongAad[AAD_OFFSET] ^= 1;
        assertThatThrownBy(() -> opener.openInPlace(counter, wrongAad, AAD_OFFSET, AAD_LENGTH, OFFSET, sealed))
                .isInstanceOf(GeneralSecurityException.class);
        byte[] wrongTag = tampered.clone();
        wrongTag[OFFSET + sealed - 1] ^= 1;
        assertThatThrownBy(() -> opener.openInPlace(counter, wrongTag, AAD_OFFSET, AAD_LENGTH, OFFSET, sealed))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> opener.openInPlace(counter, tampered, AAD_OFFSET, AAD_LENGTH, OFFSET,
                AesGcm.TAG_LENGTH - 1)).isInstanceOf(GeneralSecurityException.class);
        // and the cipher still works after refusals
        assertThat(opener.openInPlace(counter, tampered, AAD_OFFSET, AAD_LENGTH, OFFSET, sealed)).isEqualTo(length);
    }
}
