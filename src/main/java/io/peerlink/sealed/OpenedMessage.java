package io.peerlink.sealed;

import io.peerlink.identity.PeerKey;
import java.util.UUID;

/**
 * A sealed message that {@link SealedMessages#open} accepted: who sealed it (its certificate's
 * signature verified and the body authenticated under its sealing key), and what it said.
 *
 * @param sender the sender's RSA identity
 * @param prekeyId the recipient's prekey it was sealed to
 * @param prekeyKind whether that prekey was one-time (now consumed) or last-resort
 * @param messageId the sender's message id: the inbox's dedup key, as for live messages
 * @param sentAt the sender's clock when it sealed it, milliseconds since the epoch
 * @param text the message text
 */
public record OpenedMessage(PeerKey sender, long prekeyId, PrekeyKind prekeyKind, UUID messageId, long sentAt,
        String text) {

    @Override
    public String toString() {
        return "OpenedMessage[from " + sender.peerId() + ", id " + messageId + ", prekey " + prekeyId + ", "
                + text.length() + " chars]";
    }
}
