/**
 * Durable storage of drops and claims, between the claims engine and the database. Used by
 * Dropwise's own bundles; rule plugins never read the database (they get facts from the engine).
 */
@Export
@Version("1.1.0")
package io.dropwise.api.store;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
