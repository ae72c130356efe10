/**
 * The root of the Dropwise API: names that every Dropwise bundle and plugin shares.
 *
 * <p>Everything under {@code io.dropwise.api} is exported and semantically versioned; it holds
 * interfaces, records and constants only. Implementations live in the {@code .internal} packages
 * of the bundles that provide them.
 */
@Export
@Version("1.0.0")
package io.dropwise.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
