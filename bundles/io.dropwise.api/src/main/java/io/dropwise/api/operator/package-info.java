/**
 * Operators: the people who run drops and deploy bundles, and how a bundle asks who is calling.
 */
@Export
@Version("1.1.0")
package io.dropwise.api.operator;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
