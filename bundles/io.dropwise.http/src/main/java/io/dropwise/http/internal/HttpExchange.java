package io.dropwise.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Reading requests and writing JSON answers and RFC 9457 problems, the same way for every endpoint. */
final class HttpExchange {

    static final String JSON = "application/json";
    /** Request bodies larger than this get 413. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final ObjectMapper json;
    final HttpServletRequest request;
    final HttpServletResponse response;

    HttpExchange(ObjectMapper json, HttpServletRequest request, HttpServletResponse response) {
        this.json = json;
        this.request = request;
        this.response = response;
    }

    String path() {
        return request.getPathInfo() == null ? "/" : request.getPathInfo();
    }

    void write(int status, Object body) throws IOException {
        write(status, JSON, body);
    }

    void write(int status, String mediaType, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        response.setStatus(status);
        response.setContentType(mediaType);
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    void problem(String type, String title, int status, String detail) throws IOException {
        problem(type, title, status, detail, Map.of());
    }

    /** Writes a problem with extension members (RFC 9457 §3.2), e.g. {@code opensAt} or {@code errors}. */
    void problem(String type, String title, int status, String detail, Map<String, Object> extensions) throws IOException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        Problem p = Problem.of(type, title, status, detail, request.getRequestURI());
        body.put("type", p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.detail());
        body.put("instance", p.instance());
        body.putAll(extensions);
        write(status, Problem.MEDIA_TYPE, body);
    }

    /** @return whether the method is one of those allowed; answers 405 with {@code Allow} when not */
    boolean allow(String... methods) throws IOException {
        for (String m : methods) {
            if (m.equals(request.getMethod())) {
                return true;
            }
        }
        String allowed = String.join(", ", methods);
        response.setHeader("Allow", allowed);
        problem("method-not-allowed", "Method not allowed", 405, request.getMethod() + " is not supported here; use " + allowed + ".");
        return false;
    }

    /**
     * Reads a binary request body of one of the given media types, answering 415 or 413 itself.
     *
     * @return the body, or {@code null} when an answer was already written
     */
    byte[] binaryBody(int maxBytes, String... mediaTypes) throws IOException {
        String type = request.getContentType() == null ? "" : request.getContentType().toLowerCase(java.util.Locale.ROOT).split(";")[0].strip();
        if (!java.util.List.of(mediaTypes).contains(type)) {
            problem("unsupported-media-type", "Unsupported media type", 415, "Send the body as one of " + String.join(", ", mediaTypes) + ".");
            return null;
        }
        return body(maxBytes);
    }

    /**
     * Reads a JSON request body, answering 415 or 413 itself when the body is not acceptable.
     *
     * @return the body, or {@code null} when an answer was already written
     */
    byte[] jsonBody() throws IOException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).split(";")[0].strip().equals(JSON)) {
            problem("unsupported-media-type", "Unsupported media type", 415, "Send the body as application/json.");
            return null;
        }
        return body(MAX_BODY_BYTES);
    }

    private byte[] body(int maxBytes) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            problem("payload-too-large", "Payload too large", 413, "The body may be at most " + maxBytes + " bytes.");
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            for (int n; (n = in.read(buffer)) > 0;) {
                out.write(buffer, 0, n);
                if (out.size() > maxBytes) {
                    problem("payload-too-large", "Payload too large", 413, "The body may be at most " + maxBytes + " bytes.");
                    return null;
                }
            }
        }
        return out.toByteArray();
    }
}
