package io.dropwise.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesWhatTheServerSends() {
        Object v = Json.parse(" {\"claims\": [{\"claimId\": \"0b4f\", \"n\": -12, \"x\": 1.5e3, \"ok\": true, \"none\": null,"
                + " \"s\": \"a\\\"b\\\\c\\u00e9\\n\"}], \"empty\": {}, \"list\": []} ");
        Map<String, Object> claim = Json.objects(Json.object(Json.write(v)), "claims").get(0);
        assertEquals("0b4f", Json.string(claim, "claimId"));
        assertEquals(-12L, claim.get("n"));
        assertEquals(1500.0, claim.get("x"));
        assertEquals(Boolean.TRUE, claim.get("ok"));
        assertEquals(null, claim.get("none"));
        assertEquals("a\"b\\cé\n", claim.get("s"));
    }

    @Test
    void writesAndReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", "Tab\there \"quoted\" \u0001");
        m.put("stock", 5);
        m.put("offsets", Map.of("vip", "PT10S"));
        m.put("list", Arrays.asList(1L, "two", null, false));
        assertEquals(m.toString(), Json.parse(Json.write(m)).toString());
        assertEquals("{\"a\":[1,\"b\"]}", Json.write(Map.of("a", List.of(1, "b"))));
    }

    @Test
    void refusesWhatIsNotJson() {
        for (String bad : new String[] {"", "{", "{\"a\":1,}", "{\"a\" 1}", "[1 2]", "{\"a\":1} x", "\"open", "{\"a\":1,\"a\":2}", "tru", "01x"}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
        assertEquals(Map.of(), Json.object("<html>502 Bad Gateway</html>"), "an error page is no object");
    }
}
