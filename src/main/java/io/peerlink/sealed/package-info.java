/**
 * Sealed messages and prekeys: what a peer leaves at a contact's mailbox while the contact is
 * offline, and what the contact publishes there so that even a first message can be sealed to it.
 * No Spring, no store: {@link io.peerlink.sealed.PrekeyStore} is the one interface to the
 * recipient's storage. docs/PROTOCOL.md, "Sealed messages and prekeys", is the reference.
 *
 * <p>A message's path through this package, in order:
 * <ol>
 * <li>The recipient generates prekeys ({@link io.peerlink.sealed.Prekey#generate}), each signed with
 *     its RSA identity, and publishes their {@link io.peerlink.sealed.SignedPrekey} halves.</li>
 * <li>The sender fetches a {@link io.peerlink.sealed.PrekeyBundle}, checks it against the recipient's
 *     peerId ({@link io.peerlink.sealed.PrekeyBundle#verify}), and seals with its
 *     {@link io.peerlink.sealed.SealingKey} ({@link io.peerlink.sealed.SealedMessages#seal}).</li>
 * <li>The mailbox stores the opaque bytes under the recipient and the prekey id
 *     ({@link io.peerlink.sealed.SealedMessages#prekeyId}).</li>
 * <li>The recipient opens them ({@link io.peerlink.sealed.SealedMessages#open}): the prekey is
 *     looked up, the sender certificate decrypted and verified, the body authenticated, a one-time
 *     prekey consumed; the inbox then dedups by message id as for live messages.</li>
 * </ol>
 */
package io.peerlink.sealed;
