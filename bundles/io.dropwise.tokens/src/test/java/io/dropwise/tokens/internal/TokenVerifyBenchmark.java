package io.dropwise.tokens.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.TokenRejectedException;
import io.dropwise.testkit.TestTokens;

/**
 * What verifying a customer's token costs per claim request: HS256 (a shared secret), RS256 and
 * ES256 (the bank's public keys from a JWKS file), and refusing a forged HS256 token. Run with
 * {@code mvn -Pbenchmarks -DskipTests test -pl bundles/io.dropwise.tokens -am} (docs/benchmarks.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenVerifyBenchmark {

    private static final String SECRET = "0123456789abcdef0123456789abcdef-bench";
    private static final Instant NOW = Instant.parse("2026-11-27T09:00:00Z");

    private JwtVerifier hsVerifier;
    private JwtVerifier jwksVerifier;
    private String hs;
    private String forged;
    private String rs;
    private String es;
    private Path jwksFile;

    @Setup
    public void setUp() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", "customer-00042");
        claims.put("tier", "vip");
        claims.put("cards", List.of("GOLD", "TRAVEL"));
        claims.put("monthlySpend", 1250);
        claims.put("exp", NOW.plusSeconds(600).getEpochSecond());
        hsVerifier = new JwtVerifier(SigningKeys.configure(SECRET, null, json), null, null, clock, json);
        hs = TestTokens.hs256(SECRET).sign(claims);
        forged = TestTokens.hs256(SECRET + "-not-the-bank").sign(claims);
        TestTokens rsa = TestTokens.rs256("bank-rsa");
        TestTokens ec = TestTokens.es256("bank-ec");
        String rsaKeys = rsa.jwks();
        String ecKeys = ec.jwks();
        // one JWKS file with both keys
        String keys = rsaKeys.substring(rsaKeys.indexOf('[') + 1, rsaKeys.lastIndexOf(']')) + ","
                + ecKeys.substring(ecKeys.indexOf('[') + 1, ecKeys.lastIndexOf(']'));
        jwksFile = Files.createTempFile("bench-jwks", ".json");
        Files.writeString(jwksFile, "{\"keys\":[" + keys + "]}");
        jwksVerifier = new JwtVerifier(SigningKeys.configure(null, jwksFile, json), null, null, clock, json);
        rs = rsa.sign(claims);
        es = ec.sign(claims);
        // fail fast if a token does not verify: a benchmark of refusals would be meaningless
        hsVerifier.verify(hs);
        jwksVerifier.verify(rs);
        jwksVerifier.verify(es);
    }

    @TearDown
    public void tearDown() throws Exception {
        Files.deleteIfExists(jwksFile);
    }

    @Benchmark
    public Customer hs256() throws TokenRejectedException {
        return hsVerifier.verify(hs);
    }

    @Benchmark
    public Customer rs256() throws TokenRejectedException {
        return jwksVerifier.verify(rs);
    }

    @Benchmark
    public Customer es256() throws TokenRejectedException {
        return jwksVerifier.verify(es);
    }

    @Benchmark
    public Object hs256Forged() {
        try {
            return hsVerifier.verify(forged);
        } catch (TokenRejectedException expected) {
            return expected;
        }
    }
}
