/**
 * Drops, claims and draws: what the HTTP front and the console ask of the claims engine.
 */
@Export
@Version("1.2.0")
package io.dropwise.api.drops;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
