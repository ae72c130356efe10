/**
 * The rule SPI: how a plugin bundle adds a kind of eligibility rule (e.g. "holders of card
 * product X", "customers who spent 500 this month").
 *
 * <p>A plugin registers a {@link RuleType} service. Operators name the type in a drop's
 * {@code rules} with parameters; the engine asks the type to check the parameters when the drop
 * is created ({@link RuleType#create}) and then asks the resulting {@link Rule} to decide each
 * claim, giving it the facts in a {@link ClaimContext}. Rules never read the database.
 *
 * <p>Versioning: {@code RuleType} and {@code Rule} are implemented by plugins
 * ({@code @ConsumerType}): adding a method to them is a major change. {@code ClaimContext} is
 * implemented by the server ({@code @ProviderType}): adding facts to it is a minor change.
 */
@Export
@Version("1.0.0")
package io.dropwise.api.rules;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
