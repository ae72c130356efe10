package io.dropwise.api.drops;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import io.dropwise.api.customer.Customer;

/**
 * The claims engine: drops, claims and draws. Provided by {@code io.dropwise.claims}; called by the
 * HTTP front and the console.
 */
@ProviderType
public interface Drops {

    /** @return the new drop, durably stored */
    Drop create(DropSpec spec) throws InvalidDropException;

    /** @return every drop, newest first */
    List<Drop> all();

    Optional<Drop> find(String dropId);

    /**
     * @return the drops this customer may see (those whose rules, other than the tier window, do not
     *         refuse the customer), as they stand for the customer's tier now
     */
    List<DropView> visibleTo(Customer customer);

    /**
     * Claims a unit of a stock drop, or enters a draw drop. Returns only once the answer is
     * durable; a second call with the same idempotency key returns the first claim, never a second.
     */
    ClaimResult claim(Customer customer, String dropId, String idempotencyKey);

    /** @return the customer's claims and entries, newest first */
    List<Claim> claimsOf(Customer customer);

    /** @return every claim or entry of a drop, oldest first, with the rules that decided it (operators) */
    List<Claim> claimsOfDrop(String dropId);

    Optional<DropStats> stats(String dropId);

    /**
     * Runs the draw of a draw drop once; later calls return the same result.
     *
     * @throws IllegalStateException when the drop is not a draw drop, or still takes entries (before
     *         its last tier opened, or before its {@code closesAt}); the message says which
     */
    Optional<DrawResult> draw(String dropId);

    /** @return the result of a draw that ran, if any */
    Optional<DrawResult> drawResult(String dropId);

    /** @return every rule type deployed, and every one a drop names but that is not deployed */
    List<RuleTypeStatus> ruleTypes();

    /**
     * @param dropId the drop
     * @return its activity (claims per second, outcomes per tier), or empty when there is no such drop
     */
    Optional<DropActivity> activity(String dropId);

    /**
     * @return the rule plugins this engine has called, with their circuit breakers and counts (the
     *         built-in rules run inline and are not listed)
     */
    List<RulePluginStatus> rulePlugins();
}
