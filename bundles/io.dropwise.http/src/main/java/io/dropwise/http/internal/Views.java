package io.dropwise.http.internal;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dropwise.api.customer.Tier;
import io.dropwise.api.drops.Claim;
import io.dropwise.api.drops.DrawResult;
import io.dropwise.api.drops.DropActivity;
import io.dropwise.api.drops.Drop;
import io.dropwise.api.drops.DropKind;
import io.dropwise.api.drops.DropSpec;
import io.dropwise.api.drops.DropStats;
import io.dropwise.api.drops.DropView;
import io.dropwise.api.drops.RuleTypeStatus;

/** The JSON shapes of the APIs (documented in docs/api.md and openapi.json). */
final class Views {

    private Views() {
    }

    static Map<String, Object> customerDrop(DropView v) {
        Drop d = v.drop();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("title", d.spec().title());
        m.put("reward", d.spec().reward());
        m.put("kind", d.spec().kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("state", v.state().name().toLowerCase(java.util.Locale.ROOT));
        m.put("opensAt", v.opensAt().toString());
        m.put("closesAt", str(d.spec().closesAt()));
        if (d.spec().kind() == DropKind.STOCK) {
            m.put("stock", d.spec().stock());
            m.put("remaining", v.remaining());
        } else {
            m.put("winners", d.spec().winners());
            m.put("seedHash", d.seedHash());
        }
        m.put("perCustomerLimit", d.spec().perCustomerLimit());
        return m;
    }

    static Map<String, Object> adminDrop(Drop d, DropStats stats) {
        DropSpec s = d.spec();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("title", s.title());
        m.put("reward", s.reward());
        m.put("kind", s.kind().name().toLowerCase(java.util.Locale.ROOT));
        m.put("stock", s.stock());
        m.put("winners", s.winners());
        m.put("opensAt", s.opensAt().toString());
        Map<String, Object> offsets = new LinkedHashMap<>();
        Map<String, Object> opens = new LinkedHashMap<>();
        for (Tier t : Tier.values()) {
            offsets.put(t.wireName(), s.tierOffsets().get(t).toString());
            opens.put(t.wireName(), d.opensAt(t).toString());
        }
        m.put("tierOffsets", offsets);
        m.put("opensAtPerTier", opens);
        m.put("closesAt", str(s.closesAt()));
        m.put("perCustomerLimit", s.perCustomerLimit());
        m.put("rules", s.rules().stream().map(r -> Map.of("type", r.type(), "params", r.params())).toList());
        m.put("onRuleFailure", s.onRuleFailure().name().toLowerCase(java.util.Locale.ROOT));
        m.put("seedHash", d.seedHash());
        m.put("createdAt", d.createdAt().toString());
        m.put("drawnAt", str(d.drawnAt()));
        if (stats != null) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("claimed", stats.claimed());
            st.put("remaining", stats.remaining());
            st.put("entries", stats.entries());
            st.put("perTier", stats.perTier());
            m.put("stats", st);
        }
        return m;
    }

    static Map<String, Object> claim(Claim c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("claimId", c.claimId());
        m.put("dropId", c.dropId());
        m.put("status", c.status().wireName());
        m.put("createdAt", c.createdAt().toString());
        if (c.heldUntil() != null) {
            m.put("heldUntil", c.heldUntil().toString());
        }
        return m;
    }

    static Map<String, Object> myClaim(Claim c) {
        return claim(c);
    }

    static Map<String, Object> adminClaim(Claim c) {
        Map<String, Object> m = claim(c);
        m.put("customerId", c.customerId());
        m.put("idempotencyKey", c.idempotencyKey());
        m.put("decidedBy", c.decidedBy());
        return m;
    }

    static Map<String, Object> deployment(io.dropwise.api.deploy.Deployment d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", d.id());
        m.put("symbolicName", d.symbolicName());
        m.put("version", d.version());
        m.put("previousVersion", d.previousVersion());
        m.put("state", d.state().wireName());
        m.put("source", d.source());
        m.put("reason", d.reason());
        m.put("timeline", d.timeline().stream().map(s -> {
            Map<String, Object> sm = new LinkedHashMap<>();
            sm.put("at", s.at().toString());
            sm.put("state", s.state().wireName());
            sm.put("message", s.message());
            return sm;
        }).toList());
        return m;
    }

    static Map<String, Object> ruleType(RuleTypeStatus t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", t.name());
        m.put("present", t.present());
        m.put("description", t.description());
        m.put("bundle", t.bundle());
        m.put("version", t.version());
        m.put("parameters", t.parameters().stream().map(p -> {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("name", p.name());
            pm.put("type", p.type().name().toLowerCase(java.util.Locale.ROOT));
            pm.put("required", p.required());
            pm.put("description", p.description());
            return pm;
        }).toList());
        m.put("drops", t.dropIds());
        return m;
    }

    static Map<String, Object> rulePlugin(io.dropwise.api.drops.RulePluginStatus p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bundle", p.bundle());
        m.put("version", p.version());
        m.put("circuit", p.circuit());
        m.put("openUntil", p.openUntil() == null ? null : p.openUntil().toString());
        m.put("calls", p.calls());
        m.put("failures", p.failures());
        m.put("timeouts", p.timeouts());
        m.put("rejected", p.rejected());
        m.put("busyThreads", p.busyThreads());
        m.put("lastFailure", p.lastFailure());
        return m;
    }

    static Map<String, Object> activity(Drop d, DropStats stats, DropActivity a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dropId", d.id());
        m.put("stock", d.spec().stock());
        m.put("claimed", stats == null ? null : d.spec().kind() == io.dropwise.api.drops.DropKind.STOCK ? stats.claimed() : stats.entries());
        m.put("remaining", stats == null ? null : stats.remaining());
        m.put("perSecond", a.perSecond().stream().map(s -> {
            Map<String, Object> second = new LinkedHashMap<>();
            second.put("second", s.second().toString());
            second.put("claimed", s.claimed());
            return second;
        }).toList());
        m.put("outcomes", a.outcomes());
        m.put("since", a.since().toString());
        return m;
    }

    static Map<String, Object> draw(DrawResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dropId", r.dropId());
        m.put("drawnAt", r.drawnAt().toString());
        m.put("seed", r.seed());
        m.put("seedHash", r.seedHash());
        m.put("entryCount", r.entries().size());
        m.put("winnerCount", r.winnerCount());
        m.put("winners", r.winners());
        m.put("entries", r.entries());
        m.put("algorithm", r.algorithm());
        m.put("verify", List.of(
                "Check that SHA-256(hex-decoded seed) equals seedHash, published before the drop opened.",
                "Compute your entry id: hex(SHA-256(UTF-8(dropId + \":\" + yourCustomerId))) and find it in entries.",
                "For every entry compute hex(SHA-256(seedBytes || UTF-8(entryId))), sort by it (then by entryId), take the first winners."));
        return m;
    }

    private static String str(Instant i) {
        return i == null ? null : i.toString();
    }
}
