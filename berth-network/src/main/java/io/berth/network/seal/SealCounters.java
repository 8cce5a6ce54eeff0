package io.berth.network.seal;

/**
 * What a sealed underlay did with its packets since it opened, for metrics and tests.
 * {@code sent}/{@code received} count packets sealed out / opened and handed to the tun;
 * {@code droppedAuth}: failed authentication (tampered, or sealed with a key not in the set);
 * {@code droppedReplay}: seen before, too old for the replay window, or of an expired session;
 * {@code droppedPeer}: from an underlay address that is no peer, or with an inner source that
 * is not the sender's tunnel address; {@code droppedUnsendable}: read from the tun with no peer
 * for its destination, no key yet, not IPv4, or refused by the network;
 * {@code droppedMalformed}: too short or of an unknown version.
 */
public record SealCounters(long sent, long received, long droppedAuth, long droppedReplay, long droppedPeer,
    long droppedUnsendable, long droppedMalformed) {}
