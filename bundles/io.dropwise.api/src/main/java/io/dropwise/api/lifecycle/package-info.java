/**
 * What a bundle tells the server so that it can be replaced live without losing work.
 */
@Export
@Version("1.0.0")
package io.dropwise.api.lifecycle;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
