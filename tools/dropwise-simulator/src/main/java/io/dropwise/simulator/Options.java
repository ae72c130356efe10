package io.dropwise.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The simulator's command line, parsed and checked. Every problem is reported as a {@link UsageException}
 * whose message names the option and what is expected.
 */
public final class Options {

    /** The tiers, in the order they open. */
    public static final List<String> TIERS = List.of("employee", "vip", "standard");

    static final String USAGE = """
            usage: java -jar dropwise-simulator.jar --url URL [--url URL ...] [options]

            Replays a tiered stock drop against Dropwise: creates the drop, lets N customers (each with their own
            signed token) claim it on an arrival curve that spikes at each tier's opening, retries with the same
            Idempotency-Key, checks the invariants at the end and writes an HTML report.
            Exit code 0: the invariants hold; 1: one does not; 2: bad options; 3: the run could not be made.

              --url URL               a server, e.g. http://127.0.0.1:8080 (repeat for several; customers are
                                      spread over them round-robin, and a retry goes to the next one)
              --admin-user NAME       operator account (default admin)
              --admin-password PW     its password (default: $DROPWISE_ADMIN_PASSWORD)
              --token-secret SECRET   the servers' HS256 secret, at least 32 bytes (default: $DROPWISE_TOKEN_SECRET)
              --customers N           customers, one claim each (default 10000)
              --stock N               units of the drop (default: a tenth of the customers)
              --mix T=P,...           tier mix in percent, summing to 100 (default employee=2,vip=10,standard=88)
              --tier-gap DURATION     time between the tiers' openings, ISO-8601 (default PT15M; e.g. PT10S to compress)
              --decay DURATION        time constant of the arrivals' decay after each opening (default: a quarter
                                      of the tier gap, at most PT5S)
              --lead DURATION         from creating the drop to the first opening (default PT5S)
              --connections N         requests in flight at most (default 256)
              --timeout DURATION      one request's timeout; a timed-out claim is retried (default PT5S)
              --retries N             retries per customer at most, after a timeout, 503 or 429 (default 8)
              --swap AT[@S]=JAR       at AT after the first opening (ISO-8601 duration), deploy JAR live through
                                      POST /admin/v1/deployments on server S (1-based; default: every server in turn)
              --fault AT[@S]=JSON     at AT, POST /admin/v1/faults with this body on server S (default: every server);
                                      the servers need DROPWISE_FAULTS_ENABLED=true
              --report FILE           the HTML report (default simulator-report.html)
              --seed N                seed of the tier assignment and order of customers (default 1)
              --progress MODE         auto, bar, lines or none (default auto: a bar on a terminal, else a line
                                      every 5 s)
              --title TEXT            the drop's title (default "Simulated drop")
              --help                  this text
            """;

    /** A moment of the run when something is done to the servers. */
    public record Action(Duration at, int server, String what) {
    }

    public final List<URI> urls = new ArrayList<>();
    public String adminUser = "admin";
    public String adminPassword;
    public String tokenSecret;
    public int customers = 10_000;
    public int stock = -1;
    public final Map<String, Integer> mix = new LinkedHashMap<>(Map.of());
    public Duration tierGap = Duration.ofMinutes(15);
    public Duration decay;
    public Duration lead = Duration.ofSeconds(5);
    public int connections = 256;
    public Duration timeout = Duration.ofSeconds(5);
    public int retries = 8;
    public final List<Action> swaps = new ArrayList<>();
    public final List<Action> faults = new ArrayList<>();
    public Path report = Path.of("simulator-report.html");
    public long seed = 1;
    public String progress = "auto";
    public String title = "Simulated drop";
    public boolean help;

    /** The jars of the swaps, read when parsing. */
    final Map<Action, byte[]> jars = new LinkedHashMap<>();

    /** Thrown for bad input: the message is for the user, without a stack trace. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * @param args the command line
     * @param env the environment ({@code DROPWISE_ADMIN_PASSWORD}, {@code DROPWISE_TOKEN_SECRET} as defaults)
     */
    public static Options parse(String[] args, Map<String, String> env) throws UsageException {
        Options o = new Options();
        o.mix.put("employee", 2);
        o.mix.put("vip", 10);
        o.mix.put("standard", 88);
        boolean decayGiven = false;
        List<String> rawSwaps = new ArrayList<>();
        List<String> rawFaults = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (arg.equals("--help") || arg.equals("-h")) {
                o.help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' (options start with --; see --help)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException(arg + " needs a value (see --help)");
                }
                value = args[++i];
            }
            switch (arg) {
                case "--url" -> o.urls.add(url(value));
                case "--admin-user" -> o.adminUser = nonBlank(arg, value);
                case "--admin-password" -> o.adminPassword = value;
                case "--token-secret" -> o.tokenSecret = value;
                case "--customers" -> o.customers = integer(arg, value, 1, 10_000_000);
                case "--stock" -> o.stock = integer(arg, value, 1, 10_000_000);
                case "--mix" -> o.mix(value);
                case "--tier-gap" -> o.tierGap = duration(arg, value, false);
                case "--decay" -> {
                    o.decay = duration(arg, value, false);
                    decayGiven = true;
                }
                case "--lead" -> o.lead = duration(arg, value, true);
                case "--connections" -> o.connections = integer(arg, value, 1, 10_000);
                case "--timeout" -> o.timeout = duration(arg, value, false);
                case "--retries" -> o.retries = integer(arg, value, 0, 1_000);
                case "--swap" -> rawSwaps.add(value);
                case "--fault" -> rawFaults.add(value);
                case "--report" -> o.report = Path.of(nonBlank(arg, value));
                case "--seed" -> o.seed = integer(arg, value, 0, Integer.MAX_VALUE);
                case "--progress" -> o.progress = oneOf(arg, value, "auto", "bar", "lines", "none");
                case "--title" -> o.title = nonBlank(arg, value);
                default -> throw new UsageException("unknown option " + arg + " (see --help)");
            }
        }
        if (o.help) {
            return o;
        }
        if (o.urls.isEmpty()) {
            throw new UsageException("--url is required: the server to drive, e.g. --url http://127.0.0.1:8080");
        }
        if (o.adminPassword == null) {
            o.adminPassword = env.get("DROPWISE_ADMIN_PASSWORD");
        }
        if (o.adminPassword == null || o.adminPassword.isEmpty()) {
            throw new UsageException("--admin-password (or DROPWISE_ADMIN_PASSWORD) is required: the operator password of the servers");
        }
        if (o.tokenSecret == null) {
            o.tokenSecret = env.get("DROPWISE_TOKEN_SECRET");
        }
        if (o.tokenSecret == null || o.tokenSecret.isEmpty()) {
            throw new UsageException("--token-secret (or DROPWISE_TOKEN_SECRET) is required: the servers' HS256 secret");
        }
        if (o.tokenSecret.getBytes(StandardCharsets.UTF_8).length < 32) {
            throw new UsageException("--token-secret must be at least 32 bytes, as the server requires (it refuses every token otherwise)");
        }
        if (o.stock < 0) {
            o.stock = Math.max(1, o.customers / 10);
        }
        if (!decayGiven) {
            Duration quarter = o.tierGap.dividedBy(4);
            o.decay = quarter.compareTo(Duration.ofSeconds(5)) < 0 ? quarter : Duration.ofSeconds(5);
            if (o.decay.isZero()) {
                o.decay = Duration.ofMillis(1);
            }
        }
        if (o.tierGap.compareTo(Duration.ofDays(15)) > 0) {
            throw new UsageException("--tier-gap must be at most 15 days (a drop's tier offsets are at most 30 days)");
        }
        if (o.lead.compareTo(Duration.ofHours(1)) > 0) {
            throw new UsageException("--lead must be at most PT1H");
        }
        for (String s : rawSwaps) {
            Action a = o.action("--swap", s);
            Path jar = Path.of(a.what());
            try {
                o.jars.put(a, Files.readAllBytes(jar));
            } catch (IOException e) {
                throw new UsageException("--swap " + s + ": cannot read " + jar + " (" + e.getClass().getSimpleName() + ")");
            }
            o.swaps.add(a);
        }
        for (String s : rawFaults) {
            Action a = o.action("--fault", s);
            try {
                if (!(Json.parse(a.what()) instanceof Map)) {
                    throw new UsageException("--fault " + s + ": the body must be a JSON object, e.g. "
                            + "{\"bundle\":\"io.dropwise.store\",\"kind\":\"exception\",\"seconds\":5}");
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("--fault " + s + ": the body is not JSON: " + e.getMessage());
            }
            o.faults.add(a);
        }
        return o;
    }

    /** @return the share of each tier, in percent, every tier listed (0 when not in the mix) */
    public Map<String, Integer> mix() {
        return mix;
    }

    private void mix(String value) throws UsageException {
        Map<String, Integer> parsed = new LinkedHashMap<>();
        TIERS.forEach(t -> parsed.put(t, 0));
        int sum = 0;
        for (String part : value.split(",")) {
            String[] kv = part.trim().split("=", 2);
            String tier = kv[0].trim().toLowerCase(Locale.ROOT);
            if (kv.length != 2 || !TIERS.contains(tier)) {
                throw new UsageException("--mix " + value + ": expected tier=percent pairs of " + TIERS + ", e.g. employee=2,vip=10,standard=88");
            }
            int percent = integer("--mix " + tier, kv[1].trim(), 0, 100);
            parsed.put(tier, percent);
            sum += percent;
        }
        if (sum != 100) {
            throw new UsageException("--mix " + value + ": the percentages add up to " + sum + ", not 100");
        }
        mix.clear();
        mix.putAll(parsed);
    }

    private Action action(String option, String value) throws UsageException {
        int eq = value.indexOf('=');
        if (eq <= 0 || eq == value.length() - 1) {
            throw new UsageException(option + " " + value + ": expected AT=" + (option.equals("--swap") ? "path/to/bundle.jar" : "{json}")
                    + " or AT@SERVER=..., e.g. PT20S=" + (option.equals("--swap") ? "io.dropwise.http-0.1.1.jar" : "{\"bundle\":...}"));
        }
        String when = value.substring(0, eq);
        int server = 0;
        int at = when.indexOf('@');
        if (at >= 0) {
            server = integer(option + " server", when.substring(at + 1), 1, urls.size() == 0 ? 1 : urls.size());
            when = when.substring(0, at);
        }
        return new Action(duration(option, when, true), server, value.substring(eq + 1));
    }

    private static URI url(String value) throws UsageException {
        try {
            URI uri = new URI(value);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new UsageException("--url " + value + ": expected http://host:port or https://host:port");
            }
            if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
                    || uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new UsageException("--url " + value + ": give the server's root (no path, query or fragment)");
            }
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), null, null, null);
        } catch (URISyntaxException e) {
            throw new UsageException("--url " + value + ": not a URL (" + e.getReason() + ")");
        }
    }

    private static int integer(String option, String value, int min, int max) throws UsageException {
        try {
            long n = Long.parseLong(value.replace("_", "").replace(",", ""));
            if (n < min || n > max) {
                throw new UsageException(option + " must be from " + min + " to " + max + ", not " + value);
            }
            return (int) n;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number, not '" + value + "'");
        }
    }

    private static Duration duration(String option, String value, boolean zeroAllowed) throws UsageException {
        Duration d;
        try {
            d = Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new UsageException(option + " must be an ISO-8601 duration such as PT15M, PT10S or PT0.5S, not '" + value + "'");
        }
        if (d.isNegative() || (!zeroAllowed && d.isZero())) {
            throw new UsageException(option + " must be " + (zeroAllowed ? "zero or more" : "more than zero") + ", not " + value);
        }
        return d;
    }

    private static String nonBlank(String option, String value) throws UsageException {
        if (value.isBlank()) {
            throw new UsageException(option + " must not be empty");
        }
        return value;
    }

    private static String oneOf(String option, String value, String... allowed) throws UsageException {
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new UsageException(option + " must be one of " + String.join(", ", allowed) + ", not '" + value + "'");
    }

    /** @return the customers of each tier: the mix applied to {@link #customers} by largest remainder, summing to it */
    public Map<String, Integer> customersPerTier() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        int given = 0;
        double[] remainders = new double[TIERS.size()];
        for (int t = 0; t < TIERS.size(); t++) {
            double exact = (double) customers * mix.get(TIERS.get(t)) / 100;
            int floor = (int) Math.floor(exact);
            counts.put(TIERS.get(t), floor);
            remainders[t] = exact - floor;
            given += floor;
        }
        while (given < customers) {
            int best = 0;
            for (int t = 1; t < TIERS.size(); t++) {
                if (remainders[t] > remainders[best]) {
                    best = t;
                }
            }
            remainders[best] = -1;
            counts.merge(TIERS.get(best), 1, Integer::sum);
            given++;
        }
        return counts;
    }

    /** @return the offset of {@code tier}'s opening after the first tier's: its index times the tier gap */
    public Duration tierOffset(String tier) {
        return tierGap.multipliedBy(TIERS.indexOf(tier));
    }
}
