package io.peerlink.config;

import io.peerlink.transport.DialTarget;
import io.peerlink.crypto.CryptoProviders;
import io.peerlink.identity.IdentityStore;
import io.peerlink.wire.Limits;
import io.peerlink.wire.WireConstants;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of one peer, bound from {@code peerlink.*} (environment: {@code PEERLINK_LISTEN_PORT},
 * {@code PEERLINK_CONNECT=host1:5555,host2:5555}, ...). Bad values stop start-up with a message that
 * names the property.
 *
 * @param listenHost address the peer port binds to
 * @param listenPort the peer port (0 picks a free one)
 * @param dataDir directory of the identity key pair and the store ({@code peerlink.db}), created on first start
 * @param connect peers ({@code host:port}, or {@code peerId@host:port} to accept only that identity
 *        there) dialled at start-up and re-dialled while unreachable or after they drop
 * @param maxMessageBytes largest message text, in UTF-8 bytes, accepted for sending or receiving
 * @param messageTtl an outbound message not delivered within this is marked FAILED
 * @param historyRetention when set, messages and events older than this are deleted (undelivered ones stay);
 *        a message's age counts from when this peer received or accepted it, not from the sender's clock
 * @param advertisedAddress {@code host:port} other peers reach this one at, for the invite link; by
 *        default the listen address when it is a specific one (not 0.0.0.0)
 * @param handshakeTimeout a handshake must finish within this
 * @param maxConnections established peer connections (inbound and outbound) open at once
 * @param reservedConnectionsPercent the share of {@code max-connections}, in percent (rounded down:
 *        16 of 64), that only contacts and this peer's own dials may hold; unknown identities
 *        (inbound peers that are not contacts) share the rest. When every slot is taken, a contact
 *        or an own dial takes the slot of the unknown connection idle the longest, which is let go
 *        (CLOSE TOO_MANY_CONNECTIONS). 0: no reserve and no priority, first come first served
 * @param maxUnknownConnectionsPerAddress established connections of unknown identities from one
 *        address (an IPv6 /64 is one)
 * @param maxHandshakes inbound connections still in their handshake at once, a budget apart from
 *        {@code max-connections}; beyond it new connections are closed at once. Each source address
 *        (an IPv6 /64) gets at most 20 handshakes a second that make this peer decrypt (bursts of
 *        5), refused at accept while more than half of this budget is in use, else before its
 *        CLIENT_HELLO is decrypted
 * @param maxHandshakesPerAddress of those, from one source address (an IPv6 /64 is one)
 * @param handshakeIdleTimeout an inbound handshake that receives nothing for this long is dropped
 *        before the {@code handshake-timeout}
 * @param apiToken when not empty, every HTTP request needs {@code Authorization: Bearer <token>}, except
 *        health (status only), the Swagger UI with its OpenAPI document, and the web page's static files;
 *        at least {@value #MIN_API_TOKEN_LENGTH} characters, or {@value #GENERATE_API_TOKEN}: the peer
 *        then keeps its own token in {@code <data-dir>/api-token} (mode 0600). Without a token the API
 *        must listen on loopback only ({@code server.address}, by default 127.0.0.1)
 * @param keySize RSA modulus length of a newly created identity key (an existing key is kept)
 * @param keepAliveInterval an idle connection sends a keep-alive this often
 * @param idleTimeout a connection that receives nothing for this long is declared dead
 * @param maxFrameBytes largest encrypted record accepted from a peer
 * @param keyUpdateAfterFrames a sender moves to a fresh key after this many records under one key
 * @param cryptoProvider who serves RSA-OAEP decryption and AES-GCM: {@code auto} (the Amazon Corretto
 *        Crypto Provider where it is faster, i.e. RSA-OAEP decryption, when it loads on this platform;
 *        the JDK otherwise), {@code accp} (ACCP for both, or no start) or {@code jdk}
 * @param requests what is stored from identities that connected on their own and nobody accepted
 * @param peerStorageQuota text stored from one contact at most (UTF-8 bytes); beyond it its messages
 *        are not acknowledged and its connection is closed (CLOSE STORAGE_FULL)
 * @param minFreeDisk below this much usable space on the data directory's disk, no message is
 *        acknowledged (the senders keep them)
 * @param relay the relay role: whether this peer relays for others, for whom, and its limits
 * @param relays this peer's relays ({@code <relayId>@host:port}, pinned like {@code connect}): it keeps a
 *        connection to each, reserves a slot there and renews it, and its invite names them
 * @param protocolMaxVersion the highest peer protocol version this peer speaks (docs/PROTOCOL.md
 *        section 5): it offers and accepts 1 up to it. 2 by default; 1 makes a peer of version 1 only,
 *        as before version 2 existed (to try interoperability)
 */
@ConfigurationProperties("peerlink")
@Validated
public record PeerlinkProperties(
        @DefaultValue("0.0.0.0") @NotBlank String listenHost,
        @DefaultValue("5555") @Min(0) @Max(65535) int listenPort,
        @DefaultValue("./data") @NotNull Path dataDir,
        @DefaultValue List<@HostAndPort String> connect,
        @DefaultValue("64KB") @NotNull DataSize maxMessageBytes,
        @DefaultValue("30d") @NotNull Duration messageTtl,
        Duration historyRetention,
        String advertisedAddress,
        @DefaultValue("10s") @NotNull Duration handshakeTimeout,
        @DefaultValue("64") @Min(1) @Max(100_000) int maxConnections,
        @DefaultValue("25") @Min(0) @Max(100) int reservedConnectionsPercent,
        @DefaultValue("4") @Min(1) @Max(100_000) int maxUnknownConnectionsPerAddress,
        @DefaultValue("32") @Min(1) @Max(100_000) int maxHandshakes,
        @DefaultValue("8") @Min(1) @Max(100_000) int maxHandshakesPerAddress,
        @DefaultValue("3s") @NotNull Duration handshakeIdleTimeout,
        @DefaultValue("") String apiToken,
        @DefaultValue("3072") @Min(IdentityStore.MIN_BITS) @Max(WireConstants.MAX_RSA_BITS) int keySize,
        @DefaultValue("5s") @NotNull Duration keepAliveInterval,
        @DefaultValue("15s") @NotNull Duration idleTimeout,
        @DefaultValue("1MB") @NotNull DataSize maxFrameBytes,
        @DefaultValue("1048576") @Min(1) long keyUpdateAfterFrames,
        @DefaultValue("auto") @NotNull CryptoProviders.Setting cryptoProvider,
        @DefaultValue @NotNull @jakarta.validation.Valid Requests requests,
        @DefaultValue("1GB") @NotNull DataSize peerStorageQuota,
        @DefaultValue("256MB") @NotNull DataSize minFreeDisk,
        @DefaultValue("2") @Min(WireConstants.VERSION_1) @Max(WireConstants.MAX_VERSION) int protocolMaxVersion,
        @DefaultValue @NotNull @jakarta.validation.Valid Relay relay,
        @DefaultValue List<@HostAndPort String> relays) {

    /**
     * The relay role (docs/PROTOCOL.md section 12).
     *
     * @param enabled whether this peer relays for others
     * @param allow who may reserve a slot: {@code contacts} (this peer's contacts) or {@code anyone}
     * @param maxReservations reservations held at once
     * @param maxCircuits circuits at once
     * @param maxCircuitsPerPeer circuits to one reserved peer at once
     * @param circuitBytesPerSecond bytes a circuit copies per second in each direction at most
     * @param reservationLifetime a reservation not renewed within this ends (clients renew at half of it)
     */
    public record Relay(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("contacts") @NotNull Allow allow,
            @DefaultValue("128") @Min(0) @Max(100_000) int maxReservations,
            @DefaultValue("64") @Min(0) @Max(100_000) int maxCircuits,
            @DefaultValue("8") @Min(0) @Max(100_000) int maxCircuitsPerPeer,
            @DefaultValue("16MB") @NotNull DataSize circuitBytesPerSecond,
            @DefaultValue("1h") @NotNull Duration reservationLifetime) {
    }

    /** Who may reserve a slot on this relay. */
    public enum Allow { CONTACTS, ANYONE }

    /** The relay role and this peer's relays; call only on validated properties. */
    public io.peerlink.relay.RelaySettings relaySettings() {
        return new io.peerlink.relay.RelaySettings(relay.enabled(), relay.allow() == Allow.ANYONE,
                relay.maxReservations(), relay.maxCircuits(), relay.maxCircuitsPerPeer(),
                relay.circuitBytesPerSecond().toBytes(), relay.reservationLifetime(),
                io.peerlink.relay.RelaySettings.DEFAULT_JOIN_TIMEOUT,
                relays.stream().map(HostAndPort.Validator::parse).toList());
    }

    @AssertTrue(message = "each of relays must be <relayId>@host:port (the relay's peerId pins it)")
    boolean isRelaysPinned() {
        if (relays == null) {
            return true;
        }
        for (String r : relays) {
            try {
                if (DialTarget.parse(r).pin() == null) {
                    return false;
                }
            } catch (IllegalArgumentException e) {
                return true; // @HostAndPort says what is wrong
            }
        }
        return true;
    }

    @AssertTrue(message = "relay.circuit-bytes-per-second must be at least 1 byte and relay.reservation-lifetime "
            + "at least 2 s")
    boolean isRelayLimitsValid() {
        return relay == null || relay.circuitBytesPerSecond() == null || relay.reservationLifetime() == null
                || (relay.circuitBytesPerSecond().toBytes() >= 1 && relay.reservationLifetime().toSeconds() >= 2);
    }


    /**
     * Message requests: identities that connected on their own and nobody accepted yet.
     *
     * @param enabled false: such identities are refused right after the handshake (CLOSE REQUESTS_REFUSED)
     * @param firstContact while this peer has no contact at all, the first identity that dials in
     *        becomes one without an accept (a fresh peer given out by its address); false: it is a
     *        request like any other
     * @param maxMessages messages stored per request at most
     * @param maxBytes text stored per request at most (UTF-8 bytes)
     * @param totalBytes text stored for all requests together at most
     */
    public record Requests(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("true") boolean firstContact,
            @DefaultValue("20") @Min(0) int maxMessages,
            @DefaultValue("256KB") @NotNull DataSize maxBytes,
            @DefaultValue("16MB") @NotNull DataSize totalBytes) {
    }

    /** What this peer stores from others; call only on validated properties. */
    public io.peerlink.messaging.Quotas quotas() {
        return new io.peerlink.messaging.Quotas(requests.enabled(), requests.firstContact(), requests.maxMessages(),
                requests.maxBytes().toBytes(), requests.totalBytes().toBytes(), peerStorageQuota.toBytes(),
                minFreeDisk.toBytes());
    }

    @AssertTrue(message = "requests.max-bytes, requests.total-bytes, peer-storage-quota and min-free-disk must not "
            + "be negative")
    boolean isQuotasNotNegative() {
        return requests == null || peerStorageQuota == null || minFreeDisk == null
                || (requests.maxBytes() != null && requests.maxBytes().toBytes() >= 0 && requests.totalBytes() != null
                        && requests.totalBytes().toBytes() >= 0 && peerStorageQuota.toBytes() >= 0
                        && minFreeDisk.toBytes() >= 0);
    }

    /** The {@link #apiToken} that makes the peer generate its own token and keep it in the data directory. */
    public static final String GENERATE_API_TOKEN = "generate";
    /** The shortest {@link #apiToken} accepted: a token that can be guessed protects nothing. */
    public static final int MIN_API_TOKEN_LENGTH = 32;

    public PeerlinkProperties {
        connect = connect == null ? List.of() : List.copyOf(connect);
        relays = relays == null ? List.of() : List.copyOf(relays);
        apiToken = apiToken == null ? "" : apiToken;
    }

    /** Whether HTTP requests (but health, docs and page assets) need a bearer token (set or generated). */
    public boolean apiTokenEnabled() {
        return !apiToken.isEmpty();
    }

    /** The {@link #connect} entries (each dial resolves the name again). */
    public List<DialTarget> connectTargets() {
        return connect.stream().map(HostAndPort.Validator::parse).toList();
    }

    /** The record-layer limits; call only on validated properties. */
    public Limits limits() {
        return new Limits((int) maxFrameBytes.toBytes(), (int) maxMessageBytes.toBytes(), keyUpdateAfterFrames);
    }

    @AssertTrue(message = "message-ttl must be positive")
    boolean isMessageTtlPositive() {
        return messageTtl == null || messageTtl.isPositive();
    }

    @AssertTrue(message = "history-retention must be positive (leave it out to keep history for ever)")
    boolean isHistoryRetentionPositive() {
        return historyRetention == null || historyRetention.isPositive();
    }

    @AssertTrue(message = "advertised-address must be host:port, e.g. peer.example.org:5555")
    boolean isAdvertisedAddressValid() {
        if (advertisedAddress == null || advertisedAddress.isBlank()) {
            return true;
        }
        try {
            return DialTarget.parse(advertisedAddress).pin() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Where other peers reach this one ({@code boundPort}: the port the peer port really bound), or
     * null when it cannot be told (listening on every address, nothing advertised).
     */
    public String inviteAddress(int boundPort) {
        if (advertisedAddress != null && !advertisedAddress.isBlank()) {
            return DialTarget.parse(advertisedAddress).address();
        }
        if (listenHost.equals("0.0.0.0") || listenHost.equals("::") || listenHost.equals("[::]")) {
            return null;
        }
        return new DialTarget(listenHost, boundPort, null).address();
    }

    @AssertTrue(message = "api-token must be at least " + MIN_API_TOKEN_LENGTH + " characters (e.g. the output of "
            + "`openssl rand -base64 32`), or '" + GENERATE_API_TOKEN + "' to have the peer create one in its data "
            + "directory (file api-token)")
    boolean isApiTokenLongEnough() {
        return apiToken == null || apiToken.isEmpty() || apiToken.equals(GENERATE_API_TOKEN)
                || apiToken.length() >= MIN_API_TOKEN_LENGTH;
    }

    @AssertTrue(message = "handshake-timeout must be positive")
    boolean isHandshakeTimeoutPositive() {
        return handshakeTimeout == null || handshakeTimeout.isPositive();
    }

    @AssertTrue(message = "handshake-idle-timeout must be positive")
    boolean isHandshakeIdleTimeoutPositive() {
        return handshakeIdleTimeout == null || handshakeIdleTimeout.isPositive();
    }

    @AssertTrue(message = "max-handshakes-per-address must not be more than max-handshakes")
    boolean isMaxHandshakesPerAddressWithinMaxHandshakes() {
        return maxHandshakesPerAddress <= maxHandshakes;
    }

    @AssertTrue(message = "keep-alive-interval must be positive and idle-timeout longer than it")
    boolean isIdleTimeoutLongerThanKeepAlive() {
        return keepAliveInterval == null || idleTimeout == null
                || (keepAliveInterval.isPositive() && idleTimeout.compareTo(keepAliveInterval) > 0);
    }

    @AssertTrue(message = "max-frame-bytes must be between 1KB and 1GB")
    boolean isMaxFrameBytesInRange() {
        return maxFrameBytes == null
                || (maxFrameBytes.toBytes() >= 1024 && maxFrameBytes.toBytes() <= DataSize.ofGigabytes(1).toBytes());
    }

    @AssertTrue(message = "max-message-bytes must be at least 1 byte and, with "
            + (WireConstants.MESSAGE_FIXED_LENGTH + WireConstants.MIN_RECORD_LENGTH)
            + " bytes of record overhead, fit in max-frame-bytes")
    boolean isMaxMessageBytesWithinFrame() {
        return maxMessageBytes == null || maxFrameBytes == null
                || (maxMessageBytes.toBytes() >= 1 && maxMessageBytes.toBytes() + WireConstants.MESSAGE_FIXED_LENGTH
                        + WireConstants.MIN_RECORD_LENGTH <= maxFrameBytes.toBytes());
    }

    /** Never prints the API token. */
    @Override
    public String toString() {
        return "PeerlinkProperties[listenHost=" + listenHost + ", listenPort=" + listenPort + ", dataDir=" + dataDir
                + ", connect=" + connect + ", maxMessageBytes=" + maxMessageBytes + ", messageTtl=" + messageTtl
                + ", historyRetention=" + historyRetention + ", advertisedAddress=" + advertisedAddress
                + ", handshakeTimeout=" + handshakeTimeout + ", maxConnections=" + maxConnections
                + ", reservedConnectionsPercent=" + reservedConnectionsPercent + ", maxUnknownConnectionsPerAddress="
                + maxUnknownConnectionsPerAddress + ", maxHandshakes="
                + maxHandshakes + ", maxHandshakesPerAddress=" + maxHandshakesPerAddress + ", handshakeIdleTimeout="
                + handshakeIdleTimeout + ", apiToken="
                + (!apiTokenEnabled() ? "(none)" : apiToken.equals(GENERATE_API_TOKEN) ? "(generate)" : "(set)") + ", keySize=" + keySize + ", keepAliveInterval="
                + keepAliveInterval + ", idleTimeout=" + idleTimeout + ", maxFrameBytes=" + maxFrameBytes
                + ", keyUpdateAfterFrames=" + keyUpdateAfterFrames + ", requests=" + requests + ", peerStorageQuota="
                + peerStorageQuota + ", minFreeDisk=" + minFreeDisk + ", protocolMaxVersion=" + protocolMaxVersion + ", relay=" + relay + ", relays=" + relays + "]";
    }
}
