package io.dropwise.security.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class BasicCredentialsTest {

    static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesUserAndPasswordWithColonsAndUnicodeInThePassword() {
        BasicCredentials c = BasicCredentials.parse(basic("admin:pä:ss:wörd")).orElseThrow();
        assertEquals("admin", c.username());
        assertEquals("pä:ss:wörd", c.password());
        assertEquals("admin", BasicCredentials.parse("basic " + basic("admin:x").substring(6)).orElseThrow().username());
    }

    @Test
    void rejectsWhatIsNotWellFormedBasic() {
        assertTrue(BasicCredentials.parse(null).isEmpty());
        assertTrue(BasicCredentials.parse("").isEmpty());
        assertTrue(BasicCredentials.parse("Basic").isEmpty());
        assertTrue(BasicCredentials.parse("Bearer abc.def.ghi").isEmpty());
        assertTrue(BasicCredentials.parse("Basic !!!not-base64!!!").isEmpty());
        assertTrue(BasicCredentials.parse(basic("no-colon")).isEmpty());
        assertTrue(BasicCredentials.parse(basic(":password-without-user")).isEmpty());
    }
}
