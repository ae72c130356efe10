/**
 * Live deployments: installing a new version of a bundle beside the running one, switching work to
 * it, draining the old one, and rolling back.
 */
@Export
@Version("1.0.0")
package io.dropwise.api.deploy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
