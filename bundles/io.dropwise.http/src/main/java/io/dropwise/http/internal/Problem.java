package io.dropwise.http.internal;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail: every error the HTTP front returns has this body, with the media
 * type {@code application/problem+json} and a {@code type} that never changes for that error.
 *
 * @param type a stable URI naming the kind of problem
 * @param title a short, human-readable summary of the kind of problem
 * @param status the HTTP status code
 * @param detail what went wrong in this occurrence, in words a caller can act on
 * @param instance the request path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_PREFIX = "urn:dropwise:problem:";

    /**
     * @param slug the stable name of the kind of problem, e.g. {@code not-found}
     * @param title its summary
     * @param status the HTTP status
     * @param detail this occurrence
     * @param instance the request path
     * @return the problem
     */
    public static Problem of(String slug, String title, int status, String detail, String instance) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, instance);
    }
}
