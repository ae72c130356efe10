/**
 * Breaking things on purpose: operators (and game-day tests) inject faults into a named bundle for
 * a bounded time through {@link io.dropwise.api.faults.Faults}; the places where one Dropwise bundle
 * calls another's services ask {@link io.dropwise.api.faults.FaultInjection} whether to fail or
 * wait. Both services exist only on a server started with fault injection enabled.
 */
@Export
@Version("1.0.0")
package io.dropwise.api.faults;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
