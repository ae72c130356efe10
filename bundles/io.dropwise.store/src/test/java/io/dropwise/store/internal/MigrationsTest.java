package io.dropwise.store.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimWrite.Outcome;
import io.dropwise.testkit.ThrowawayPostgres;

/** A database left by the release before schema 4 (claims in it) upgrades in place, on both databases. */
class MigrationsTest {

    private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    private static ThrowawayPostgres pg;

    @TempDir
    Path dir;

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void schema4UpgradesAnH2DatabaseWithClaimsInIt() throws Exception {
        upgradeKeepsClaimsAndRules(new JdbcTransactions("jdbc:h2:file:" + dir.resolve("db") + ";DB_CLOSE_ON_EXIT=FALSE"), Dialect.H2);
    }

    @Test
    void schema4UpgradesAPostgresqlDatabaseWithClaimsInIt() throws Exception {
        ThrowawayPostgres.assumeAvailable();
        pg = ThrowawayPostgres.start();
        upgradeKeepsClaimsAndRules(new JdbcTransactions(pg.createDatabase("migrations"), pg.user(), pg.password()), Dialect.POSTGRESQL);
    }

    private void upgradeKeepsClaimsAndRules(JdbcTransactions tx, Dialect dialect) throws Exception {
        try (tx) {
            assertEquals(3, Migrations.migrate(tx, dialect, 3));
            SqlClaimStore store = new SqlClaimStore(tx, dialect); // only its insertDrop before the upgrade
            DropSpec spec = new DropSpec("Before", "A coffee", DropKind.STOCK, 3, null, NOW, Map.of(), null, 1, List.of(), RuleFailurePolicy.DENY);
            store.insertDrop(new Drop("d", spec, "ab".repeat(32), NOW, null), "cd".repeat(32));
            // two claims as the release before wrote them (its store code expects its own schema: plain SQL here)
            tx.required(() -> {
                try (PreparedStatement p = tx.connection().prepareStatement("INSERT INTO claims (claim_id, drop_id, customer_id, tier, idem_key, "
                        + "unit_no, status, created_at, decided_by) VALUES (?, 'd', ?, 'standard', 'k', 1, 'CLAIMED', ?, 'tier-window@test/1.0.0')")) {
                    for (String customer : List.of("alice", "bob")) {
                        p.setString(1, "claim-" + customer + "-k");
                        p.setString(2, customer);
                        p.setLong(3, NOW.toEpochMilli());
                        p.executeUpdate();
                    }
                }
                try (PreparedStatement p = tx.connection().prepareStatement("UPDATE drops SET claimed = 2 WHERE id = 'd'")) {
                    p.executeUpdate();
                }
                return null;
            });
            List<String> before = indexes(tx, dialect);
            assertTrue(before.contains("claims_by_customer"), "schema 3 as released: " + before);

            assertEquals(Migrations.SCRIPTS.size(), Migrations.migrate(tx, dialect));

            List<String> after = indexes(tx, dialect);
            assertFalse(after.contains("claims_by_customer"), "one index fewer per claim: " + after);
            assertFalse(after.stream().anyMatch(i -> i.startsWith("claims_unit_per_customer")), "replaced: " + after);
            assertEquals(before.size() - 1, after.size(), before + " then " + after);
            assertEquals(2, store.claimsOfDrop("d").size());
            assertEquals(1, store.claimsOf("alice").size(), "a customer's claims are still found by the customer");
            // the claims made before the upgrade still decide: a retry is the same claim, a second key is over the limit
            assertEquals(List.of(Outcome.REPLAYED, Outcome.LIMIT_REACHED, Outcome.CREATED, Outcome.SOLD_OUT),
                    outcomes(store.commit("d", List.of(attempt("alice", "k"), attempt("bob", "other"), attempt("carol", "k"), attempt("dave", "k")))));
            assertEquals(3, store.claimedCounts().get("d"));
            // and the database itself still refuses a second claim for the same customer and key, or the same unit
            refused(tx, "INSERT INTO claims (claim_id, drop_id, customer_id, tier, idem_key, unit_no, status, created_at) "
                    + "VALUES ('again', 'd', 'alice', 'standard', 'k', 7, 'CLAIMED', 0)", "claims_one_per_key");
            refused(tx, "INSERT INTO claims (claim_id, drop_id, customer_id, tier, idem_key, unit_no, status, created_at) "
                    + "VALUES ('again', 'd', 'alice', 'standard', 'other', 1, 'CLAIMED', 0)", "claims_customer_unit");
            if (dialect == Dialect.H2) {
                // the batch's lookup probes the customer-first index; planned by itself, H2 read all 2,000 claims of the drop
                List<ClaimAttempt> many = new ArrayList<>();
                for (int i = 0; i < 2_000; i++) {
                    many.add(attempt("many-" + i, "k"));
                }
                DropSpec big = new DropSpec("Big", "A coffee", DropKind.STOCK, 5_000, null, NOW, Map.of(), null, 1, List.of(), RuleFailurePolicy.DENY);
                store.insertDrop(new Drop("big", big, "ab".repeat(32), NOW, null), "cd".repeat(32));
                assertTrue(store.commit("big", many).stream().allMatch(w -> w.outcome() == Outcome.CREATED));
                // the same 2,000 again: the lookup (chunks of 512, the last one padded) finds every earlier claim
                assertTrue(store.commit("big", many).stream().allMatch(w -> w.outcome() == Outcome.REPLAYED));
                assertEquals(2_000, store.claimedCounts().get("big"));
                String plan = tx.notSupported(() -> {
                    try (PreparedStatement p = tx.connection().prepareStatement("EXPLAIN ANALYZE " + SqlClaimStore.earlierClaimsH2(2))) {
                        p.setString(1, "big");
                        p.setString(2, "many-5");
                        p.setString(3, "many-7");
                        try (ResultSet r = p.executeQuery()) {
                            return r.next() ? r.getString(1) : "";
                        }
                    }
                });
                String index = plan.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
                assertTrue(index.contains("/* public.claims_customer_unit: customer_id in(?2, ?3) and drop_id = ?1 */ /* scancount: 3 */"),
                        "two customers' claims read, not the drop's 2,000: " + plan);
            }
            // a drop with claims cannot be deleted (PostgreSQL: a trigger in place of the foreign key), and no claim is
            // written for a drop that does not exist
            refused(tx, "DELETE FROM drops WHERE id = 'd'", dialect == Dialect.H2 ? "constraint" : "has claims");
            assertThrows(RuntimeException.class, () -> store.commit("no-such-drop", List.of(attempt("erin", "k"))));
            assertEquals(0, store.claimsOf("erin").size());
            if (dialect == Dialect.POSTGRESQL) {
                store.insertDrop(new Drop("empty", spec, "ab".repeat(32), NOW, null), "cd".repeat(32));
                tx.required(() -> { // a drop without claims can still go (the trigger lets it)
                    try (PreparedStatement p = tx.connection().prepareStatement("DELETE FROM drops WHERE id = 'empty'")) {
                        assertEquals(1, p.executeUpdate());
                    }
                    return null;
                });
                String held = tx.notSupported(() -> {
                    try (PreparedStatement p = tx.connection().prepareStatement("SELECT indexdef FROM pg_indexes WHERE indexname = 'claims_held'");
                            ResultSet r = p.executeQuery()) {
                        return r.next() ? r.getString(1) : "";
                    }
                });
                assertTrue(held.contains("WHERE") && held.contains("HELD"), "only held claims are in the held index: " + held);
            }
        }
    }

    private static void refused(JdbcTransactions tx, String insert, String constraint) {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> tx.required(() -> {
            try (PreparedStatement p = tx.connection().prepareStatement(insert)) {
                p.executeUpdate();
            }
            return null;
        }));
        assertTrue(refused.getCause() instanceof SQLException, String.valueOf(refused.getCause()));
        assertTrue(refused.getMessage().toLowerCase(Locale.ROOT).contains(constraint), refused.getMessage());
    }

    private static ClaimAttempt attempt(String customer, String key) {
        return new ClaimAttempt("claim-" + customer + "-" + key, customer, Tier.STANDARD, key, NOW, "tier-window@test/1.0.0");
    }

    private static List<Outcome> outcomes(List<io.dropwise.api.store.ClaimWrite> writes) {
        return writes.stream().map(io.dropwise.api.store.ClaimWrite::outcome).toList();
    }

    private static List<String> indexes(JdbcTransactions tx, Dialect dialect) {
        String sql = dialect == Dialect.H2
                ? "SELECT LOWER(INDEX_NAME) FROM INFORMATION_SCHEMA.INDEXES WHERE TABLE_NAME = 'CLAIMS'"
                : "SELECT indexname FROM pg_indexes WHERE tablename = 'claims'";
        return tx.notSupported(() -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement p = tx.connection().prepareStatement(sql); ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    names.add(r.getString(1));
                }
            }
            return names;
        });
    }
}
