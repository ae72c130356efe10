package io.dropwise.api.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.osgi.annotation.versioning.ProviderType;

import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.Drop;

/**
 * Drops and claims in the database (embedded H2, or PostgreSQL shared by several instances).
 * Every method is one transaction; a method that returns has made its writes durable. Failures
 * surface as {@link StoreUnavailableException}.
 */
@ProviderType
public interface ClaimStore {

    /** Stores a new drop and the secret seed of its draw. */
    void insertDrop(Drop drop, String seed);

    /** @return every drop, newest first */
    List<Drop> drops();

    Optional<Drop> drop(String dropId);

    /**
     * Writes a batch of claims on one drop, in order, in one transaction: the database arbitrates
     * between instances (the drop's row is locked for the batch), so stock is never oversold and
     * no customer exceeds the drop's per-customer limit.
     *
     * @param dropId the drop
     * @param attempts the claims, in arrival order
     * @return one result per attempt, in the same order
     */
    List<ClaimWrite> commit(String dropId, List<ClaimAttempt> attempts);

    /** @return the claim a customer made with this idempotency key on this drop */
    Optional<Claim> claimByKey(String dropId, String customerId, String idempotencyKey);

    /** @return the customer's claims and entries, newest first */
    List<Claim> claimsOf(String customerId);

    /** @return units claimed (or entries made) per drop id */
    Map<String, Integer> claimedCounts();

    /** @return claims or entries per tier wire name */
    Map<String, Integer> perTier(String dropId);

    /** @return the secret seed of a drop's draw */
    Optional<String> seed(String dropId);

    /**
     * Runs a drop's draw once, in one transaction that also closes the drop to new entries: the
     * entrants are read under the drop's lock, {@code chooseWinners} picks among them, the winners
     * are marked won and the others lost.
     *
     * @param chooseWinners given the entrants' customer ids (sorted), returns the winners
     * @return the draw; if it had already run, the draw as it was then (and {@code chooseWinners}
     *         is not called)
     */
    DrawRecord draw(String dropId, Function<List<String>, List<String>> chooseWinners, Instant at);

    /** @return the draw of a drop, if it ran */
    Optional<DrawRecord> drawRecord(String dropId);

    /**
     * A draw as stored.
     *
     * @param drawnAt when it ran
     * @param entrants customer ids of every entry, sorted
     * @param winners customer ids of the winners, sorted
     */
    record DrawRecord(Instant drawnAt, List<String> entrants, List<String> winners) {
    }

    /** @return held claims (of every drop), oldest first, at most {@code max} */
    List<Claim> heldClaims(int max);

    /**
     * Decides a held claim, under its drop's lock: {@code keep} makes it claimed (entered), otherwise
     * it is released and its unit goes back to the stock. A claim that is no longer held is left as
     * it is (another instance, or the deadline, decided first).
     *
     * @param why recorded as the claim's {@code decidedBy}
     * @return the claim as it is now; empty when there is no such claim
     */
    Optional<Claim> settleHeld(String dropId, String claimId, boolean keep, String why);

    /**
     * Releases every held claim whose deadline is at or before {@code now}, giving its unit back.
     *
     * @return how many were released
     */
    int releaseExpiredHolds(Instant now);

    /** @return every claim of a drop (operators, tests) */
    List<Claim> claimsOfDrop(String dropId);
}
