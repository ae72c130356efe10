import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.server.*;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.http.HttpHeader;

/** The floor: a bare Jetty 12 handler answering every request 201 with a claim-sized JSON body. */
public class BareJetty {
    public static void main(String[] args) throws Exception {
        Server server = new Server(new org.eclipse.jetty.util.thread.QueuedThreadPool(200));
        ServerConnector c = new ServerConnector(server);
        c.setHost("127.0.0.1");
        c.setPort(Integer.parseInt(args[0]));
        server.addConnector(c);
        byte[] body = "{\"claimId\":\"0b4f3c1e-6a0f-4d8e-9d7b-2f1f3b8f9a21\",\"dropId\":\"d-3f9c0a1b2c3d4e5f\",\"status\":\"claimed\",\"createdAt\":\"2026-11-27T09:15:02.481Z\"}".getBytes(StandardCharsets.UTF_8);
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(201);
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                response.write(true, ByteBuffer.wrap(body), callback);
                return true;
            }
        });
        server.start();
        server.join();
    }
}
