package io.dropwise.runtime.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive HTTP/1.1 connection written by hand, for load generators that share the machine's
 * cores with the server: a request costs a fraction of the CPU of the JDK's {@code HttpClient}
 * (whose blocking and asynchronous modes both could not offer twice the server's capacity on 2
 * shared cores without starving the server). Reads bodies with {@code Content-Length} or chunked;
 * reconnects after {@code Connection: close} or an error. Not thread-safe: one per thread.
 */
final class RawHttp implements Closeable {

    /** An answer: status, header values by lower-case name (the last one of a name), body. */
    record Response(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    RawHttp(int port, int timeoutMillis) {
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** {@code POST path} without a body, with the headers given. @throws IOException when no whole answer came (the connection is then closed) */
    Response post(String path, Map<String, String> headers) throws IOException {
        StringBuilder request = new StringBuilder(256).append("POST ").append(path).append(" HTTP/1.1\r\nHost: 127.0.0.1:").append(port)
                .append("\r\nContent-Length: 0\r\n");
        headers.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        try {
            if (socket == null) {
                socket = new Socket();
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                socket.setSoTimeout(timeoutMillis);
                in = new BufferedInputStream(socket.getInputStream(), 8192);
                out = socket.getOutputStream();
            }
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> answerHeaders = new HashMap<>();
            for (String h; !(h = line()).isEmpty();) {
                int colon = h.indexOf(':');
                answerHeaders.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
            }
            byte[] body;
            if ("chunked".equalsIgnoreCase(answerHeaders.get("transfer-encoding"))) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int size; (size = Integer.parseInt(line().split(";")[0].strip(), 16)) > 0;) {
                    all.write(in.readNBytes(size));
                    line();
                }
                line();
                body = all.toByteArray();
            } else {
                body = in.readNBytes(Integer.parseInt(answerHeaders.getOrDefault("content-length", "0")));
            }
            if ("close".equalsIgnoreCase(answerHeaders.get("connection"))) {
                close();
            }
            return new Response(status, answerHeaders, new String(body, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }

    private String line() throws IOException {
        StringBuilder s = new StringBuilder(64);
        for (int c; (c = in.read()) != '\n';) {
            if (c < 0) {
                throw new IOException("connection closed by the server");
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
