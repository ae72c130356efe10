/** The HTTP front's implementation (request handlers behind io.dropwise.gateway): private to the bundle. */
package io.dropwise.http.internal;
