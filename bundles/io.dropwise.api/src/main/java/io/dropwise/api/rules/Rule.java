package io.dropwise.api.rules;

import org.osgi.annotation.versioning.ConsumerType;

/** One configured rule of one drop; decides claims. Must be thread-safe, fast and side-effect free. */
@ConsumerType
@FunctionalInterface
public interface Rule {

    /**
     * @param context the facts about this claim
     * @return allow, or deny with a reason the customer can read
     */
    Decision decide(ClaimContext context);
}
