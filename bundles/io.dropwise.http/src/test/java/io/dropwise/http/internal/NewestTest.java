package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

class NewestTest {

    private final Set<Long> candidates = ConcurrentHashMap.newKeySet();
    private final Newest<String> newest = new Newest<>(candidates::contains);

    @Test
    void theMostRecentlyInstalledBundleThatIsNotACandidateIsUsed() {
        assertNull(newest.get());
        newest.add("claims 1", 30, 200);
        candidates.add(45L);
        newest.add("claims 2", 45, 260);
        assertEquals("claims 1", newest.get(), "claims 2 is still being verified");
        candidates.remove(45L);
        assertEquals("claims 2", newest.get());
        newest.add("claims 2, second service", 45, 261);
        assertEquals("claims 2, second service", newest.get(), "same bundle: the newer service");
        newest.remove("claims 2, second service");
        newest.remove("claims 2");
        assertEquals("claims 1", newest.get());
    }
}
