package io.dropwise.store.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.testkit.ThrowawayPostgres;

/**
 * The durable half of the claim path: one group-commit batch of new claims on one drop, written by
 * {@link SqlClaimStore#commit} in one transaction that locks the drop's row, made durable before it
 * returns (H2: commit + fsync; PostgreSQL: synchronous commit). One operation is one batch; claims
 * per second = batch size / time per operation. A batch of 1 is what one claim per transaction on
 * the hot row costs, the floor that group commit is compared with. Run with
 * {@code mvn -Pbenchmarks -DskipTests test -pl bundles/io.dropwise.store -am} (docs/benchmarks.md);
 * the PostgreSQL rows need the PostgreSQL binaries (a throwaway server is started).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ClaimCommitBenchmark {

    @Param({"1", "32", "512"})
    public int batch;

    @Param({"H2", "POSTGRESQL"})
    public String store;

    private Path dir;
    private ThrowawayPostgres pg;
    private JdbcTransactions tx;
    private SqlClaimStore claims;
    private final AtomicLong customers = new AtomicLong();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

    @Setup(Level.Trial)
    public void open() throws Exception {
        Dialect dialect = Dialect.valueOf(store);
        if (dialect == Dialect.POSTGRESQL) {
            if (!ThrowawayPostgres.available()) {
                throw new IllegalStateException(ThrowawayPostgres.unavailableReason());
            }
            pg = ThrowawayPostgres.start();
            tx = new JdbcTransactions(pg.createDatabase("bench") + System.getProperty("bench.pg.params", ""), pg.user(), pg.password());
        } else {
            dir = Files.createTempDirectory("dropwise-bench");
            tx = new JdbcTransactions("jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE");
        }
        Migrations.migrate(tx, dialect);
        String extra = System.getProperty("bench.sql", "").replace('+', ' '); // + for spaces (JMH splits its arguments)
        if (!extra.isBlank()) { // experiments: e.g. -Dbench.sql=ALTER+TABLE+claims+DROP+CONSTRAINT+claims_drop_id_fkey
            tx.notSupported(() -> tx.connection().createStatement().execute(extra));
        }
        claims = new SqlClaimStore(tx, dialect);
        DropSpec spec = new DropSpec("Bench", "A coffee", DropKind.STOCK, Integer.MAX_VALUE - 1, null, now, Map.of(), null, 1, List.of(),
                RuleFailurePolicy.DENY);
        claims.insertDrop(new Drop("bench", spec, "ab".repeat(32), now, null), "cd".repeat(32));
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        tx.close();
        if (pg != null) {
            pg.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Claim ids as the engine makes them: UUID version 7, time first (its ClaimIds). */
    private static String timeOrderedId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID((System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0xFFFL),
                (random.nextLong() >>> 2) | 0x8000_0000_0000_0000L).toString();
    }

    @Benchmark
    public List<ClaimWrite> commitOneBatch() {
        List<ClaimAttempt> attempts = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            String customer = "c-" + customers.incrementAndGet();
            attempts.add(new ClaimAttempt(timeOrderedId(), customer, Tier.STANDARD, "k", now, "tier-window@bench/1"));
        }
        List<ClaimWrite> written = claims.commit("bench", attempts);
        if (written.get(batch - 1).outcome() != ClaimWrite.Outcome.CREATED) {
            throw new IllegalStateException("not written: " + written.get(batch - 1));
        }
        return written;
    }
}
