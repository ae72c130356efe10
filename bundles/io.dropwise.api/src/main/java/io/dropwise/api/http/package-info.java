/**
 * HTTP handlers behind Dropwise's stable gateway servlets: the gateway (never replaced) owns the
 * URL space and hands each request to the newest handler for its prefix, so a new version of the
 * HTTP front takes over between two requests, with no moment in which nothing answers.
 */
@Export
@Version("1.0.0")
package io.dropwise.api.http;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
