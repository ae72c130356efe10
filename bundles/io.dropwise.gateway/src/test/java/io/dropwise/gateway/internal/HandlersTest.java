package io.dropwise.gateway.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.dropwise.api.http.RequestHandler;

class HandlersTest {

    private final Handlers handlers = new Handlers();
    private final Set<Long> candidates = ConcurrentHashMap.newKeySet();
    private final RequestHandler v1 = (request, response) -> { };
    private final RequestHandler v2 = (request, response) -> { };

    @Test
    void theNewestBundleWinsOnceItIsNoLongerACandidate() {
        handlers.add(v1, 40, 100);
        assertEquals(Optional.of(v1), handlers.newest(candidates::contains));

        candidates.add(41L); // the deployment installed 41 and is verifying it
        handlers.add(v2, 41, 120);
        assertEquals(Optional.of(v1), handlers.newest(candidates::contains), "a version under verification takes no work");

        candidates.remove(41L); // promoted
        assertEquals(Optional.of(v2), handlers.newest(candidates::contains));

        handlers.remove(v2); // rolled back later: the older one answers again
        assertEquals(Optional.of(v1), handlers.newest(candidates::contains));
    }

    @Test
    void aRequestWaitsForAHandlerToBePromoted() throws Exception {
        candidates.add(41L);
        handlers.add(v2, 41, 120);
        assertTrue(handlers.await(0, candidates::contains).isEmpty(), "only a candidate: nobody may answer");

        CompletableFuture<Optional<RequestHandler>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return handlers.await(5_000, candidates::contains);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        assertTrue(!waiting.isDone(), "still waiting while the only handler is a candidate");
        candidates.remove(41L);
        assertEquals(Optional.of(v2), waiting.get(2, TimeUnit.SECONDS));
    }
}
