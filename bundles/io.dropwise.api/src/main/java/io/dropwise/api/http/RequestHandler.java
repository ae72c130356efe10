package io.dropwise.api.http;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Answers the requests under one path prefix ({@code /api/v1}, {@code /admin/v1}), registered as a
 * service with {@link #PREFIX}. The gateway calls the handler of the most recently installed
 * bundle; the request's path info is the part after the prefix.
 */
@ConsumerType
public interface RequestHandler {

    /** Service property: the path prefix handled, e.g. {@code /api/v1}. */
    String PREFIX = "dropwise.http.prefix";

    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;
}
