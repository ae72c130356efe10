package io.dropwise.api.rules;

import java.time.Instant;
import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.Drop;

/** The facts a rule may read to decide a claim. Provided by the server. */
@ProviderType
public interface ClaimContext {

    /** @return who claims: id, tier, cards and token attributes */
    Customer customer();

    /** @return the drop being claimed */
    Drop drop();

    /** @return the server's clock at the claim */
    Instant now();

    /** @return the customer's earlier claims and entries on every drop, newest first (read once per claim, lazily) */
    List<Claim> earlierClaims();
}
