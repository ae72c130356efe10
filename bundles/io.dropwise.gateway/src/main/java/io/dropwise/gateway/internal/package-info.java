/** The stable HTTP dispatch point's implementation: private to the bundle. */
@org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard
package io.dropwise.gateway.internal;
