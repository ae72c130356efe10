package io.dropwise.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsTest {

    static final String SECRET = "0123456789abcdef0123456789abcdef";

    private static Options parse(String... args) throws Options.UsageException {
        return Options.parse(args, Map.of());
    }

    private static String refused(String... args) {
        return assertThrows(Options.UsageException.class, () -> Options.parse(args, Map.of())).getMessage();
    }

    private static String[] with(String... more) {
        List<String> args = new ArrayList<>(List.of("--url", "http://127.0.0.1:8080", "--admin-password", "pw-pw-pw-pw-pw", "--token-secret", SECRET));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void defaults() throws Exception {
        Options o = parse(with());
        assertEquals(List.of(URI.create("http://127.0.0.1:8080")), o.urls);
        assertEquals(10_000, o.customers);
        assertEquals(1_000, o.stock, "a tenth of the customers");
        assertEquals(Map.of("employee", 2, "vip", 10, "standard", 88), o.mix());
        assertEquals(Duration.ofMinutes(15), o.tierGap);
        assertEquals(Duration.ofSeconds(5), o.decay, "a quarter of the gap, at most 5 s");
        assertEquals(256, o.connections);
        assertEquals(Duration.ofSeconds(5), o.timeout);
        assertEquals("admin", o.adminUser);
        assertEquals(Map.of("employee", 200, "vip", 1_000, "standard", 8_800), o.customersPerTier());
        assertEquals(Duration.ofMinutes(30), o.tierOffset("standard"));
    }

    @Test
    void everyOption(@TempDir Path dir) throws Exception {
        Path jar = Files.write(dir.resolve("b.jar"), new byte[] {1, 2, 3});
        Options o = parse(with("--url=http://localhost:8081/", "--customers", "200_000", "--stock", "5000", "--mix", "employee=5, vip=15,standard=80",
                "--tier-gap", "PT10S", "--lead", "PT0S", "--connections", "64", "--timeout", "PT0.5S", "--retries", "0",
                "--swap", "PT4S@2=" + jar, "--fault", "PT1S={\"bundle\":\"io.dropwise.store\",\"kind\":\"exception\",\"seconds\":2}",
                "--report", dir.resolve("r.html").toString(), "--seed", "7", "--progress", "lines", "--title", "Friday"));
        assertEquals(2, o.urls.size());
        assertEquals(URI.create("http://localhost:8081"), o.urls.get(1));
        assertEquals(200_000, o.customers);
        assertEquals(5_000, o.stock);
        assertEquals(Map.of("employee", 10_000, "vip", 30_000, "standard", 160_000), o.customersPerTier());
        assertEquals(Duration.ofMillis(2_500), o.decay);
        assertEquals(Duration.ZERO, o.lead);
        assertEquals(Duration.ofMillis(500), o.timeout);
        assertEquals(0, o.retries);
        assertEquals(new Options.Action(Duration.ofSeconds(4), 2, jar.toString()), o.swaps.get(0));
        assertEquals(3, o.jars.get(o.swaps.get(0)).length);
        assertEquals(0, o.faults.get(0).server(), "every server");
        assertEquals(Duration.ofSeconds(1), o.faults.get(0).at());
        assertEquals("lines", o.progress);
        assertEquals(7, o.seed);
    }

    @Test
    void secretsFromTheEnvironment() throws Exception {
        Options o = Options.parse(new String[] {"--url", "http://127.0.0.1:8080"},
                Map.of("DROPWISE_ADMIN_PASSWORD", "from-env-pw-1", "DROPWISE_TOKEN_SECRET", SECRET));
        assertEquals("from-env-pw-1", o.adminPassword);
        assertEquals(SECRET, o.tokenSecret);
    }

    @Test
    void mixSharesAddUpToTheCustomers() throws Exception {
        Options o = parse(with("--customers", "7", "--mix", "employee=33,vip=33,standard=34"));
        Map<String, Integer> perTier = o.customersPerTier();
        assertEquals(7, perTier.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(Map.of("employee", 2, "vip", 2, "standard", 3), perTier);
        assertEquals(Map.of("employee", 0, "vip", 0, "standard", 1), parse(with("--customers", "1", "--mix", "standard=100")).customersPerTier());
    }

    @Test
    void badInputIsRefusedWithTheReason() {
        assertTrue(refused().contains("--url is required"));
        assertTrue(refused("--url", "ftp://x").contains("expected http://host:port"));
        assertTrue(refused("--url", "http://127.0.0.1:8080/api").contains("no path"));
        assertTrue(refused("--url", "http://127.0.0.1:8080", "--token-secret", SECRET).contains("--admin-password"));
        assertTrue(refused("--url", "http://127.0.0.1:8080", "--admin-password", "x").contains("--token-secret"));
        assertTrue(refused("--url", "http://127.0.0.1:8080", "--admin-password", "x", "--token-secret", "short").contains("at least 32 bytes"));
        assertTrue(refused(with("--customers", "many")).contains("--customers must be a whole number, not 'many'"));
        assertTrue(refused(with("--customers", "0")).contains("--customers must be from 1"));
        assertTrue(refused(with("--mix", "employee=50,vip=10")).contains("add up to 60, not 100"));
        assertTrue(refused(with("--mix", "gold=100")).contains("tier=percent"));
        assertTrue(refused(with("--tier-gap", "15m")).contains("ISO-8601 duration"));
        assertTrue(refused(with("--tier-gap", "PT0S")).contains("more than zero"));
        assertTrue(refused(with("--timeout", "-PT1S")).contains("more than zero"));
        assertTrue(refused(with("--connections")).contains("--connections needs a value"));
        assertTrue(refused(with("--frobnicate", "1")).contains("unknown option --frobnicate"));
        assertTrue(refused(with("stray")).contains("unexpected argument 'stray'"));
        assertTrue(refused(with("--swap", "PT1S=/no/such/bundle.jar")).contains("cannot read /no/such/bundle.jar"));
        assertTrue(refused(with("--swap", "soon=x.jar")).contains("ISO-8601 duration"));
        assertTrue(refused(with("--swap", "PT1S")).contains("expected AT="));
        assertTrue(refused(with("--fault", "PT1S@3={}")).contains("server must be from 1 to 1"));
        assertTrue(refused(with("--fault", "PT1S={broken")).contains("not JSON"));
        assertTrue(refused(with("--fault", "PT1S=[1]")).contains("must be a JSON object"));
        assertTrue(refused(with("--progress", "fancy")).contains("auto, bar, lines, none"));
    }

    @Test
    void commandLineExitCodes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Simulator.run(new String[] {"--customers", "x"}, Map.of(), new PrintStream(out), new PrintStream(err));
        assertEquals(Simulator.USAGE, code);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("dropwise-simulator: --customers must be a whole number"), message);
        assertTrue(!message.contains("\tat "), "no stack trace: " + message);

        out.reset();
        assertEquals(Simulator.OK, Simulator.run(new String[] {"--help"}, Map.of(), new PrintStream(out), new PrintStream(err)));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--tier-gap"));
    }

    @Test
    void unreachableServerIsExitCodeThree() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Simulator.run(new String[] {"--url", "http://127.0.0.1:" + port, "--admin-password", "pw-pw-pw-pw", "--token-secret", SECRET,
                "--progress", "none"}, Map.of(), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertEquals(Simulator.CANNOT_RUN, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("cannot reach http://127.0.0.1:" + port), err.toString(StandardCharsets.UTF_8));
    }
}
