/**
 * Customers as the server sees them: who is claiming, read from the signed token the bank's
 * website sends with every request.
 */
@Export
@Version("1.0.0")
package io.dropwise.api.customer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
