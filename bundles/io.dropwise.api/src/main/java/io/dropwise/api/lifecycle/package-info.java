/**
 * What a bundle tells the server so that it can be replaced live without losing work ({@link
 * io.dropwise.api.lifecycle.InFlight}), and which bundles are not yet allowed to take work ({@link
 * io.dropwise.api.lifecycle.Candidates}).
 */
@Export
@Version("1.1.0")
package io.dropwise.api.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
