package io.dropwise.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/** The operator side of the servers: HTTP Basic calls to {@code /admin/v1}, one at a time. */
final class Servers {

    /** The run cannot be made (a server unreachable, a password refused...): exit code 3. */
    static final class CannotRun extends Exception {
        private static final long serialVersionUID = 1L;

        CannotRun(String message) {
            super(message);
        }
    }

    private final List<URI> urls;
    private final String authorization;
    private final HttpClient http;

    Servers(List<URI> urls, String user, String password) {
        this.urls = List.copyOf(urls);
        this.authorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    List<URI> urls() {
        return urls;
    }

    HttpRequest.Builder request(int server, String path, Duration timeout) {
        return HttpRequest.newBuilder(urls.get(server).resolve(path)).timeout(timeout).header("Authorization", authorization);
    }

    HttpResponse<String> get(int server, String path, Duration timeout) throws IOException, InterruptedException {
        return http.send(request(server, path, timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(int server, String path, String contentType, byte[] body, Duration timeout)
            throws IOException, InterruptedException {
        return http.send(request(server, path, timeout).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Checks that every server answers, takes the operator password and the customers' tokens. */
    void preflight(String probeToken) throws CannotRun, InterruptedException {
        for (int s = 0; s < urls.size(); s++) {
            URI url = urls.get(s);
            try {
                HttpResponse<String> admin = get(s, "/admin/v1/drops", Duration.ofSeconds(10));
                if (admin.statusCode() == 401) {
                    throw new CannotRun(url + " refused the operator password (401 on /admin/v1): check --admin-user/--admin-password");
                }
                if (admin.statusCode() != 200) {
                    throw new CannotRun(url + " answered " + admin.statusCode() + " to GET /admin/v1/drops: " + brief(admin.body()));
                }
                HttpResponse<String> customer = http.send(HttpRequest.newBuilder(url.resolve("/api/v1/drops")).timeout(Duration.ofSeconds(10))
                        .header("Authorization", "Bearer " + probeToken).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (customer.statusCode() == 401) {
                    throw new CannotRun(url + " refused a customer token (401 on /api/v1/drops): --token-secret must be the server's "
                            + "DROPWISE_TOKEN_SECRET, and the server must have one");
                }
                if (customer.statusCode() != 200) {
                    throw new CannotRun(url + " answered " + customer.statusCode() + " to GET /api/v1/drops: " + brief(customer.body()));
                }
            } catch (IOException e) {
                throw new CannotRun("cannot reach " + url + ": " + e);
            }
        }
    }

    static String brief(String body) {
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }
}
