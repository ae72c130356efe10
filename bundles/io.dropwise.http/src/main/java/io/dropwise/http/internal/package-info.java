/** The HTTP front's implementation: private to the bundle. */
@org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard
package io.dropwise.http.internal;
