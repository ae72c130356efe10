package io.dropwise.store.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.ClaimStatus;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.RuleFailurePolicy;
import io.dropwise.api.store.ClaimAttempt;
import io.dropwise.api.store.ClaimStore;
import io.dropwise.api.store.ClaimWrite;
import io.dropwise.api.store.StoreUnavailableException;

/** {@link ClaimStore} in SQL, the same for H2 and PostgreSQL but for the {@link Dialect}. */
final class SqlClaimStore implements ClaimStore {

    private static final String DROP_COLUMNS = "id, title, reward, kind, stock, winners, opens_at, offset_employee, offset_vip, "
            + "offset_standard, closes_at, per_customer_limit, rules, on_rule_failure, seed_hash, created_at, drawn_at";
    private static final String CLAIM_COLUMNS = "claim_id, drop_id, customer_id, status, idem_key, created_at, unit_no, decided_by, "
            + "held_until";

    /** A batch's customers' earlier claims in its drop, on PostgreSQL: one index probe per customer (see {@code held}). */
    static final String EARLIER_CLAIMS_POSTGRESQL = "SELECT " + CLAIM_COLUMNS + ", tier FROM claims WHERE customer_id = ANY(?) AND (drop_id || '') = ?";
    /**
     * The same on H2, one marker per customer (H2 probes an index for an IN list of markers, but reads the whole index
     * for {@code = ANY(?)}, measured with {@code EXPLAIN ANALYZE}), and the customer-first index named: planned by
     * itself H2 takes an index on drop_id and reads every claim of the drop. The list is padded to a power of two
     * (repeating the last customer), so a few statement texts serve every batch size and H2 parses each once.
     */
    static String earlierClaimsH2(int markers) {
        return "SELECT " + CLAIM_COLUMNS + ", tier FROM claims USE INDEX (claims_customer_unit) WHERE drop_id = ? AND customer_id IN ("
                + String.join(", ", Collections.nCopies(markers, "?")) + ")";
    }

    /** Customers looked up per query on H2 (the largest batch). */
    static final int IN_CHUNK = 512;

    private final Transactions tx;
    private final Dialect dialect;
    private final ObjectMapper json = new ObjectMapper();

    SqlClaimStore(Transactions tx, Dialect dialect) {
        this.tx = tx;
        this.dialect = dialect;
    }

    private <T> T write(Callable<T> work) {
        T result = run(() -> tx.required(work));
        run(() -> tx.notSupported(() -> {
            try (Statement s = tx.connection().createStatement()) {
                dialect.makeDurable(s);
            }
            return null;
        }));
        return result;
    }

    private <T> T read(Callable<T> work) {
        return run(() -> tx.notSupported(work));
    }

    private static <T> T run(Callable<T> work) {
        try {
            return work.call();
        } catch (StoreUnavailableException e) {
            throw e;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null && e.getClass().getName().endsWith("ScopedWorkException") ? e.getCause() : e;
            throw new StoreUnavailableException("database: " + cause.getMessage(), cause);
        }
    }

    @Override
    public void insertDrop(Drop drop, String seed) {
        DropSpec s = drop.spec();
        write(() -> {
            try (PreparedStatement p = tx.connection().prepareStatement("INSERT INTO drops (" + DROP_COLUMNS.replace("seed_hash", "seed, seed_hash")
                    + ", claimed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
                int i = 1;
                p.setString(i++, drop.id());
                p.setString(i++, s.title());
                p.setString(i++, s.reward());
                p.setString(i++, s.kind().name());
                setInt(p, i++, s.stock());
                setInt(p, i++, s.winners());
                p.setLong(i++, s.opensAt().toEpochMilli());
                p.setLong(i++, offset(s, Tier.EMPLOYEE));
                p.setLong(i++, offset(s, Tier.VIP));
                p.setLong(i++, offset(s, Tier.STANDARD));
                if (s.closesAt() == null) {
                    p.setNull(i++, Types.BIGINT);
                } else {
                    p.setLong(i++, s.closesAt().toEpochMilli());
                }
                p.setInt(i++, s.perCustomerLimit());
                p.setString(i++, rulesJson(s.rules()));
                p.setString(i++, s.onRuleFailure().name());
                p.setString(i++, seed);
                p.setString(i++, drop.seedHash());
                p.setLong(i++, drop.createdAt().toEpochMilli());
                p.setNull(i, Types.BIGINT);
                p.executeUpdate();
            }
            return null;
        });
    }

    private static long offset(DropSpec s, Tier tier) {
        return s.tierOffsets().getOrDefault(tier, DropSpec.DEFAULT_TIER_OFFSETS.get(tier)).toMillis();
    }

    private static void setInt(PreparedStatement p, int index, Integer value) throws SQLException {
        if (value == null) {
            p.setNull(index, Types.INTEGER);
        } else {
            p.setInt(index, value);
        }
    }

    private String rulesJson(List<DropSpec.RuleRef> rules) throws JsonProcessingException {
        List<Map<String, Object>> list = new ArrayList<>();
        for (DropSpec.RuleRef r : rules) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", r.type());
            m.put("params", r.params());
            list.add(m);
        }
        return json.writeValueAsString(list);
    }

    private List<DropSpec.RuleRef> rules(String text) throws JsonProcessingException {
        List<DropSpec.RuleRef> rules = new ArrayList<>();
        for (Map<String, Object> m : json.readValue(text, new TypeReference<List<Map<String, Object>>>() { })) {
            @SuppressWarnings("unchecked")
            Map<String, Object> params = (Map<String, Object>) m.get("params");
            rules.add(new DropSpec.RuleRef((String) m.get("type"), params));
        }
        return rules;
    }

    @Override
    public List<Drop> drops() {
        return read(() -> {
            List<Drop> drops = new ArrayList<>();
            try (Statement s = tx.connection().createStatement();
                    ResultSet r = s.executeQuery("SELECT " + DROP_COLUMNS + " FROM drops ORDER BY created_at DESC, id")) {
                while (r.next()) {
                    drops.add(drop(r));
                }
            }
            return drops;
        });
    }

    @Override
    public Optional<Drop> drop(String dropId) {
        return read(() -> {
            try (PreparedStatement p = tx.connection().prepareStatement("SELECT " + DROP_COLUMNS + " FROM drops WHERE id = ?")) {
                p.setString(1, dropId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(drop(r)) : Optional.<Drop>empty();
                }
            }
        });
    }

    private Drop drop(ResultSet r) throws SQLException, JsonProcessingException {
        Map<Tier, Duration> offsets = new EnumMap<>(Tier.class);
        offsets.put(Tier.EMPLOYEE, Duration.ofMillis(r.getLong("offset_employee")));
        offsets.put(Tier.VIP, Duration.ofMillis(r.getLong("offset_vip")));
        offsets.put(Tier.STANDARD, Duration.ofMillis(r.getLong("offset_standard")));
        long closes = r.getLong("closes_at");
        Instant closesAt = r.wasNull() ? null : Instant.ofEpochMilli(closes);
        long drawn = r.getLong("drawn_at");
        Instant drawnAt = r.wasNull() ? null : Instant.ofEpochMilli(drawn);
        DropSpec spec = new DropSpec(r.getString("title"), r.getString("reward"), DropKind.valueOf(r.getString("kind")),
                (Integer) r.getObject("stock", Integer.class), (Integer) r.getObject("winners", Integer.class),
                Instant.ofEpochMilli(r.getLong("opens_at")), offsets, closesAt, r.getInt("per_customer_limit"),
                rules(r.getString("rules")), RuleFailurePolicy.valueOf(r.getString("on_rule_failure")));
        return new Drop(r.getString("id"), spec, r.getString("seed_hash"), Instant.ofEpochMilli(r.getLong("created_at")), drawnAt);
    }

    @Override
    public List<ClaimWrite> commit(String dropId, List<ClaimAttempt> attempts) {
        if (attempts.isEmpty()) {
            return List.of();
        }
        return write(() -> {
            Connection c = tx.connection();
            String kind;
            Integer stock;
            int claimed;
            int limit;
            boolean closed;
            try (PreparedStatement p = c.prepareStatement("SELECT kind, stock, claimed, per_customer_limit, drawn_at, closes_at FROM drops WHERE id = ? FOR UPDATE")) {
                p.setString(1, dropId);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        throw new IllegalArgumentException("no drop " + dropId);
                    }
                    kind = r.getString(1);
                    stock = (Integer) r.getObject(2, Integer.class);
                    claimed = r.getInt(3);
                    limit = r.getInt(4);
                    r.getLong(5);
                    boolean drawn = !r.wasNull();
                    long closesAt = r.getLong(6);
                    closed = drawn || (!r.wasNull() && attempts.get(0).at().toEpochMilli() >= closesAt);
                }
            }
            Map<String, List<Held>> held = held(c, dropId, attempts);
            ClaimStatus status = DropKind.valueOf(kind) == DropKind.DRAW ? ClaimStatus.ENTERED : ClaimStatus.CLAIMED;
            List<ClaimWrite> results = new ArrayList<>(attempts.size());
            List<Held> created = new ArrayList<>();
            for (ClaimAttempt a : attempts) {
                List<Held> mine = held.computeIfAbsent(a.customerId(), k -> new ArrayList<>());
                Held same = mine.stream().filter(h -> h.claim.idempotencyKey().equals(a.idempotencyKey())).findFirst().orElse(null);
                if (same != null) {
                    results.add(new ClaimWrite(ClaimWrite.Outcome.REPLAYED, same.claim));
                } else if (closed) {
                    results.add(new ClaimWrite(ClaimWrite.Outcome.CLOSED, null));
                } else if (mine.stream().filter(h -> h.claim.status() != ClaimStatus.RELEASED).count() >= limit) {
                    results.add(new ClaimWrite(ClaimWrite.Outcome.LIMIT_REACHED, null));
                } else if (stock != null && claimed >= stock) {
                    results.add(new ClaimWrite(ClaimWrite.Outcome.SOLD_OUT, null));
                } else {
                    int unit = mine.stream().mapToInt(h -> h.unit).max().orElse(0) + 1;
                    Held h = new Held(new Claim(a.claimId(), dropId, a.customerId(), a.heldUntil() == null ? status : ClaimStatus.HELD,
                            a.idempotencyKey(), a.at(), a.decidedBy(), a.heldUntil() == null ? null : Instant.ofEpochMilli(a.heldUntil().toEpochMilli())),
                            unit, a.tier());
                    mine.add(h);
                    created.add(h);
                    claimed++;
                    results.add(new ClaimWrite(ClaimWrite.Outcome.CREATED, h.claim));
                }
            }
            if (!created.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("INSERT INTO claims (claim_id, drop_id, customer_id, tier, idem_key, unit_no, status, "
                        + "created_at, decided_by, held_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (Held h : created) {
                        p.setString(1, h.claim.claimId());
                        p.setString(2, dropId);
                        p.setString(3, h.claim.customerId());
                        p.setString(4, h.tier.wireName());
                        p.setString(5, h.claim.idempotencyKey());
                        p.setInt(6, h.unit);
                        p.setString(7, h.claim.status().name());
                        p.setLong(8, h.claim.createdAt().toEpochMilli());
                        p.setString(9, h.claim.decidedBy().length() > 2000 ? h.claim.decidedBy().substring(0, 2000) : h.claim.decidedBy());
                        p.setObject(10, h.claim.heldUntil() == null ? null : h.claim.heldUntil().toEpochMilli(), java.sql.Types.BIGINT);
                        p.addBatch();
                    }
                    p.executeBatch();
                }
                try (PreparedStatement p = c.prepareStatement("UPDATE drops SET claimed = ? WHERE id = ?")) {
                    p.setInt(1, claimed);
                    p.setString(2, dropId);
                    p.executeUpdate();
                }
            }
            return results;
        });
    }

    /** A claim already held, with its unit number. */
    private record Held(Claim claim, int unit, Tier tier) {
    }

    private Map<String, List<Held>> held(Connection c, String dropId, List<ClaimAttempt> attempts) throws SQLException {
        Set<String> customers = new LinkedHashSet<>();
        attempts.forEach(a -> customers.add(a.customerId()));
        Map<String, List<Held>> held = new HashMap<>();
        List<String> all = new ArrayList<>(customers);
        if (dialect == Dialect.POSTGRESQL) {
            // This lookup must probe an index for each customer, whatever the planner believes about the drop. Every
            // claim of a drop has the same drop_id, and two plans read all of them instead: the cached *generic* plan
            // PostgreSQL switches a prepared statement to after a few executions (measured 150-175 ms per 512-customer
            // batch), and, while the statistics lag behind a table growing by thousands of claims a second (or for a
            // new drop not yet in them), a scan of the drop's range of the (drop_id, customer_id) index filtered by the
            // customers (measured 7-13 ms per batch and growing with the drop; 21-31 ms on 100,000 claims with plain
            // JDBC). So: look the customers up by customer_id (the index claims_customer_unit leads with it; a
            // customer has few claims), keep the drop_id test out of the index choice (drop_id || ''), plan for the
            // actual values, and no sequential or bitmap scan, in this transaction only: 1.2 ms on the same 100,000
            // claims, stale statistics or not.
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off");
            }
            try (PreparedStatement p = c.prepareStatement(EARLIER_CLAIMS_POSTGRESQL)) {
                p.setArray(1, c.createArrayOf("varchar", all.toArray()));
                p.setString(2, dropId);
                collect(p, held);
            }
            return held;
        }
        for (int from = 0; from < all.size(); from += IN_CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_CHUNK));
            int markers = Integer.highestOneBit(chunk.size()) == chunk.size() ? chunk.size() : Integer.highestOneBit(chunk.size()) << 1;
            try (PreparedStatement p = c.prepareStatement(earlierClaimsH2(markers))) {
                p.setString(1, dropId);
                for (int i = 0; i < markers; i++) {
                    p.setString(i + 2, chunk.get(Math.min(i, chunk.size() - 1)));
                }
                collect(p, held);
            }
        }
        return held;
    }

    private static void collect(PreparedStatement p, Map<String, List<Held>> held) throws SQLException {
        try (ResultSet r = p.executeQuery()) {
            while (r.next()) {
                held.computeIfAbsent(r.getString("customer_id"), k -> new ArrayList<>())
                        .add(new Held(claim(r), r.getInt("unit_no"), Tier.fromWireName(r.getString("tier")).orElse(Tier.STANDARD)));
            }
        }
    }

    private static Claim claim(ResultSet r) throws SQLException {
        long heldUntil = r.getLong("held_until");
        boolean held = !r.wasNull();
        return new Claim(r.getString("claim_id"), r.getString("drop_id"), r.getString("customer_id"),
                ClaimStatus.valueOf(r.getString("status")), r.getString("idem_key"), Instant.ofEpochMilli(r.getLong("created_at")),
                r.getString("decided_by"), held ? Instant.ofEpochMilli(heldUntil) : null);
    }

    @Override
    public List<Claim> heldClaims(int max) {
        return read(() -> {
            List<Claim> claims = new ArrayList<>();
            try (PreparedStatement p = tx.connection().prepareStatement("SELECT " + CLAIM_COLUMNS
                    + " FROM claims WHERE status = 'HELD' ORDER BY created_at, claim_id")) {
                p.setMaxRows(max);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        claims.add(claim(r));
                    }
                }
            }
            return claims;
        });
    }

    @Override
    public Optional<Claim> settleHeld(String dropId, String claimId, boolean keep, String why) {
        return write(() -> {
            Connection c = tx.connection();
            String kind;
            boolean drawn;
            try (PreparedStatement p = c.prepareStatement("SELECT kind, drawn_at FROM drops WHERE id = ? FOR UPDATE")) {
                p.setString(1, dropId);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        return Optional.<Claim>empty();
                    }
                    kind = r.getString(1);
                    r.getLong(2);
                    drawn = !r.wasNull();
                }
            }
            Claim claim = claimById(c, dropId, claimId);
            if (claim == null || claim.status() != ClaimStatus.HELD) {
                return Optional.ofNullable(claim);
            }
            boolean kept = keep && !drawn;
            String decidedBy = drawn ? "released: the draw ran before the drop's rules could decide" : why;
            ClaimStatus status = !kept ? ClaimStatus.RELEASED : DropKind.valueOf(kind) == DropKind.DRAW ? ClaimStatus.ENTERED : ClaimStatus.CLAIMED;
            try (PreparedStatement p = c.prepareStatement("UPDATE claims SET status = ?, decided_by = ?, held_until = ? WHERE claim_id = ?")) {
                p.setString(1, status.name());
                p.setString(2, decidedBy.length() > 2000 ? decidedBy.substring(0, 2000) : decidedBy);
                p.setObject(3, kept ? null : claim.heldUntil().toEpochMilli(), java.sql.Types.BIGINT);
                p.setString(4, claimId);
                p.executeUpdate();
            }
            if (!kept) {
                giveBack(c, dropId, 1);
            }
            return Optional.of(claimById(c, dropId, claimId));
        });
    }

    @Override
    public int releaseExpiredHolds(Instant now) {
        List<String> drops = read(() -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement p = tx.connection().prepareStatement(
                    "SELECT DISTINCT drop_id FROM claims WHERE status = 'HELD' AND held_until <= ?")) {
                p.setLong(1, now.toEpochMilli());
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        ids.add(r.getString(1));
                    }
                }
            }
            return ids;
        });
        int released = 0;
        for (String dropId : drops) {
            released += write(() -> {
                Connection c = tx.connection();
                try (PreparedStatement p = c.prepareStatement("SELECT id FROM drops WHERE id = ? FOR UPDATE")) {
                    p.setString(1, dropId);
                    p.executeQuery().close();
                }
                int n;
                try (PreparedStatement p = c.prepareStatement("UPDATE claims SET status = 'RELEASED', decided_by = ? "
                        + "WHERE drop_id = ? AND status = 'HELD' AND held_until <= ?")) {
                    p.setString(1, "released: no rule decided before the hold's deadline");
                    p.setString(2, dropId);
                    p.setLong(3, now.toEpochMilli());
                    n = p.executeUpdate();
                }
                giveBack(c, dropId, n);
                return n;
            });
        }
        return released;
    }

    /** Puts units of released claims back into a drop's stock (the drop's row is locked by the caller). */
    private static void giveBack(Connection c, String dropId, int units) throws SQLException {
        if (units > 0) {
            try (PreparedStatement p = c.prepareStatement("UPDATE drops SET claimed = claimed - ? WHERE id = ?")) {
                p.setInt(1, units);
                p.setString(2, dropId);
                p.executeUpdate();
            }
        }
    }

    private static Claim claimById(Connection c, String dropId, String claimId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + CLAIM_COLUMNS + " FROM claims WHERE drop_id = ? AND claim_id = ?")) {
            p.setString(1, dropId);
            p.setString(2, claimId);
            try (ResultSet r = p.executeQuery()) {
                return r.next() ? claim(r) : null;
            }
        }
    }

    @Override
    public Optional<Claim> claimByKey(String dropId, String customerId, String idempotencyKey) {
        return read(() -> {
            try (PreparedStatement p = tx.connection().prepareStatement("SELECT " + CLAIM_COLUMNS
                    + " FROM claims WHERE drop_id = ? AND customer_id = ? AND idem_key = ?")) {
                p.setString(1, dropId);
                p.setString(2, customerId);
                p.setString(3, idempotencyKey);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(claim(r)) : Optional.<Claim>empty();
                }
            }
        });
    }

    @Override
    public List<Claim> claimsOf(String customerId) {
        return claims("SELECT " + CLAIM_COLUMNS + " FROM claims WHERE customer_id = ? ORDER BY created_at DESC, claim_id", customerId);
    }

    @Override
    public List<Claim> claimsOfDrop(String dropId) {
        return claims("SELECT " + CLAIM_COLUMNS + " FROM claims WHERE drop_id = ? ORDER BY created_at, claim_id", dropId);
    }

    private List<Claim> claims(String sql, String parameter) {
        return read(() -> {
            List<Claim> claims = new ArrayList<>();
            try (PreparedStatement p = tx.connection().prepareStatement(sql)) {
                p.setString(1, parameter);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        claims.add(claim(r));
                    }
                }
            }
            return claims;
        });
    }

    @Override
    public Map<String, Integer> claimedCounts() {
        return read(() -> {
            Map<String, Integer> counts = new HashMap<>();
            try (Statement s = tx.connection().createStatement(); ResultSet r = s.executeQuery("SELECT id, claimed FROM drops")) {
                while (r.next()) {
                    counts.put(r.getString(1), r.getInt(2));
                }
            }
            return counts;
        });
    }

    @Override
    public Map<String, Integer> perTier(String dropId) {
        return read(() -> {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (Tier t : Tier.values()) {
                counts.put(t.wireName(), 0);
            }
            try (PreparedStatement p = tx.connection().prepareStatement(
                    "SELECT tier, COUNT(*) FROM claims WHERE drop_id = ? AND status <> 'RELEASED' GROUP BY tier")) {
                p.setString(1, dropId);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        counts.put(r.getString(1), r.getInt(2));
                    }
                }
            }
            return counts;
        });
    }

    @Override
    public Optional<String> seed(String dropId) {
        return read(() -> {
            try (PreparedStatement p = tx.connection().prepareStatement("SELECT seed FROM drops WHERE id = ?")) {
                p.setString(1, dropId);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(r.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    @Override
    public DrawRecord draw(String dropId, Function<List<String>, List<String>> chooseWinners, Instant at) {
        return write(() -> {
            Connection c = tx.connection();
            try (PreparedStatement p = c.prepareStatement("SELECT drawn_at FROM drops WHERE id = ? FOR UPDATE")) {
                p.setString(1, dropId);
                try (ResultSet r = p.executeQuery()) {
                    if (!r.next()) {
                        throw new IllegalArgumentException("no drop " + dropId);
                    }
                    r.getLong(1);
                    if (!r.wasNull()) {
                        return readDraw(c, dropId).orElseThrow();
                    }
                }
            }
            int released;
            try (PreparedStatement p = c.prepareStatement("UPDATE claims SET status = 'RELEASED', decided_by = ? WHERE drop_id = ? AND status = 'HELD'")) {
                p.setString(1, "released: the draw ran before the drop's rules could decide");
                p.setString(2, dropId);
                released = p.executeUpdate();
            }
            giveBack(c, dropId, released);
            List<String> entrants = entrants(c, dropId);
            List<String> winners = new ArrayList<>(chooseWinners.apply(entrants));
            try (PreparedStatement p = c.prepareStatement("UPDATE claims SET status = ? WHERE drop_id = ? AND status = 'ENTERED'")) {
                p.setString(1, ClaimStatus.LOST.name());
                p.setString(2, dropId);
                p.executeUpdate();
            }
            if (!winners.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("UPDATE claims SET status = ? WHERE drop_id = ? AND customer_id = ? AND status = 'LOST'")) {
                    for (String winner : winners) {
                        p.setString(1, ClaimStatus.WON.name());
                        p.setString(2, dropId);
                        p.setString(3, winner);
                        p.addBatch();
                    }
                    p.executeBatch();
                }
            }
            try (PreparedStatement p = c.prepareStatement("UPDATE drops SET drawn_at = ? WHERE id = ?")) {
                p.setLong(1, at.toEpochMilli());
                p.setString(2, dropId);
                p.executeUpdate();
            }
            winners.sort(null);
            return new DrawRecord(Instant.ofEpochMilli(at.toEpochMilli()), entrants, List.copyOf(winners));
        });
    }

    @Override
    public Optional<DrawRecord> drawRecord(String dropId) {
        return read(() -> readDraw(tx.connection(), dropId));
    }

    private Optional<DrawRecord> readDraw(Connection c, String dropId) throws SQLException {
        Instant drawnAt;
        try (PreparedStatement p = c.prepareStatement("SELECT drawn_at FROM drops WHERE id = ?")) {
            p.setString(1, dropId);
            try (ResultSet r = p.executeQuery()) {
                if (!r.next()) {
                    return Optional.empty();
                }
                long drawn = r.getLong(1);
                if (r.wasNull()) {
                    return Optional.empty();
                }
                drawnAt = Instant.ofEpochMilli(drawn);
            }
        }
        List<String> winners = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT customer_id FROM claims WHERE drop_id = ? AND status = ? ORDER BY customer_id")) {
            p.setString(1, dropId);
            p.setString(2, ClaimStatus.WON.name());
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    winners.add(r.getString(1));
                }
            }
        }
        return Optional.of(new DrawRecord(drawnAt, entrants(c, dropId), winners));
    }

    private static List<String> entrants(Connection c, String dropId) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT DISTINCT customer_id FROM claims WHERE drop_id = ? AND status <> 'HELD' AND status <> 'RELEASED' ORDER BY customer_id")) {
            p.setString(1, dropId);
            try (ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    ids.add(r.getString(1));
                }
            }
        }
        return ids;
    }
}
