package io.dropwise.gateway.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

/** Writes RFC 9457 problems for the errors the HTTP edge answers itself (no JSON library here). */
final class ProblemResponses {

    private ProblemResponses() {
    }

    static void write(HttpServletResponse response, int status, String slug, String title, String detail, String instance) throws IOException {
        byte[] body = ("{\"type\":\"urn:dropwise:problem:" + slug + "\",\"title\":" + quote(title) + ",\"status\":" + status + ",\"detail\":"
                + quote(detail) + (instance == null ? "" : ",\"instance\":" + quote(instance)) + "}").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/problem+json");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** @return the string as a JSON string literal */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /** @return the problem's name and title for an HTTP error status */
    static String[] kind(int status) {
        return switch (status) {
            case 400 -> new String[] {"bad-request", "Bad request"};
            case 401 -> new String[] {"unauthorized", "Unauthorized"};
            case 403 -> new String[] {"forbidden", "Forbidden"};
            case 404 -> new String[] {"not-found", "Not found"};
            case 405 -> new String[] {"method-not-allowed", "Method not allowed"};
            case 413 -> new String[] {"payload-too-large", "Payload too large"};
            case 414 -> new String[] {"uri-too-long", "URI too long"};
            case 415 -> new String[] {"unsupported-media-type", "Unsupported media type"};
            case 431 -> new String[] {"headers-too-large", "Request headers too large"};
            case 503 -> new String[] {"unavailable", "Service unavailable"};
            default -> status >= 500 ? new String[] {"internal", "Internal error"} : new String[] {"bad-request", "Bad request"};
        };
    }
}
