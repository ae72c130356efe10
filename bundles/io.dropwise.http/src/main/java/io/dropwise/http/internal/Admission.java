package io.dropwise.http.internal;

import java.util.function.LongSupplier;

/**
 * Admission control for claims (the containment of overload), checked in this order:
 * <ol>
 * <li>a client address may send at most {@link Settings#perAddressPerSecond()} claims a second (a
 * token bucket holding {@link Settings#perAddressBurst()}); off when 0, the default, because many
 * customers can share one address (a corporate NAT, a mobile carrier's CGNAT). Which address a
 * request comes from is {@link ClientAddress}'s business;</li>
 * <li>a customer may send at most {@link Settings#perCustomerPerSecond()} claims a second (a token
 * bucket holding {@link Settings#perCustomerBurst()});</li>
 * <li>at most {@link Settings#maxInFlight()} claims are being decided at once; past that a claim
 * waits its turn in a fair {@link WaitingRoom} of {@link Settings#waitingRoom()} places for at most
 * {@link Settings#maxWaitMillis()}.</li>
 * </ol>
 * Past a rate, or when the waiting room is full or the wait runs out, the claim is answered
 * {@code 429} with {@code Retry-After}, and the server keeps its throughput for the claims it
 * admitted instead of slowing down for all. State lives in this component instance (buckets at most
 * {@value #MAX_KEYS} per kind); {@link #close()} sends the waiting claims away.
 */
final class Admission {

    static final int MAX_KEYS = 200_000;

    /**
     * @param maxInFlight claims decided at once, at most
     * @param perCustomerPerSecond claims a customer may send per second, on average
     * @param perCustomerBurst claims a customer may send at once
     * @param perAddressPerSecond claims a client address may send per second, on average; 0: no limit
     * @param perAddressBurst claims a client address may send at once (used when the rate is on)
     * @param maxWaitMillis longest wait for a slot in the waiting room; 0: none, refused at once
     * @param waitingRoom claims waiting for a slot, at most
     */
    record Settings(int maxInFlight, double perCustomerPerSecond, int perCustomerBurst, double perAddressPerSecond, int perAddressBurst,
            long maxWaitMillis, int waitingRoom) {
        // 96 decided + 64 waiting = 160 request threads at most for claims, within Jetty's 200 (Felix HTTP leaves Jetty's default)
        static final Settings DEFAULT = new Settings(96, 10, 20, 0, 0, 1000, 64);

        /** The defaults with the given claims in flight (tests). */
        static Settings withMaxInFlight(int maxInFlight) {
            return new Settings(maxInFlight, DEFAULT.perCustomerPerSecond, DEFAULT.perCustomerBurst, DEFAULT.perAddressPerSecond,
                    DEFAULT.perAddressBurst, DEFAULT.maxWaitMillis, DEFAULT.waitingRoom);
        }
    }

    private final TokenBuckets customers;
    private final TokenBuckets addresses;
    private final WaitingRoom room;

    Admission(Settings settings, LongSupplier nanos) {
        this.customers = new TokenBuckets(settings.perCustomerPerSecond(), settings.perCustomerBurst(), MAX_KEYS, nanos);
        this.addresses = settings.perAddressPerSecond() > 0
                ? new TokenBuckets(settings.perAddressPerSecond(), Math.max(1, settings.perAddressBurst()), MAX_KEYS, nanos)
                : null;
        this.room = new WaitingRoom(settings.maxInFlight(), settings.waitingRoom(), settings.maxWaitMillis(), nanos);
    }

    /** @return whether claims are limited per client address */
    boolean limitsAddresses() {
        return addresses != null;
    }

    /** @return whether the client address may send a claim now (takes a token when so; always when the limit is off) */
    boolean addressMay(String address) {
        return addresses == null || addresses.take(address);
    }

    /** @return seconds a refused address should wait for a token */
    long addressRetryAfterSeconds() {
        return addresses == null ? 1 : addresses.retryAfterSeconds();
    }

    /** @return whether the customer may send a claim now (takes a token when so) */
    boolean customerMay(String customerId) {
        return customers.take(customerId);
    }

    /** @return seconds a refused customer should wait for a token */
    long customerRetryAfterSeconds() {
        return customers.retryAfterSeconds();
    }

    /**
     * Takes a slot to decide a claim, waiting in line for one when all are taken.
     *
     * @return {@link WaitingRoom.Admitted} ({@link #leave()} must follow), {@link WaitingRoom.Refused}
     *         or {@link WaitingRoom.Closed}
     */
    WaitingRoom.Entry enter() throws InterruptedException {
        return room.enter();
    }

    /** @return the refusal for a claim arriving now when the waiting room is full, else {@code null} */
    WaitingRoom.Refused refusedAtOnce() {
        return room.refusedAtOnce();
    }

    void leave() {
        room.leave();
    }

    /** Sends the waiting claims away (the component is stopping). */
    void close() {
        room.close();
    }

    WaitingRoom room() {
        return room;
    }
}
