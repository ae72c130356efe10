package io.dropwise.simulator;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The checks at the end of a run, against what the servers stored ({@code GET /admin/v1/drops/{id}/claims} and
 * every server's {@code GET /admin/v1/drops/{id}}):
 * <ol>
 * <li>every 201 stored: each claim id a customer was given is stored, under that customer;</li>
 * <li>stored claims = customers answered 201: nothing stored that no customer was told about;</li>
 * <li>one unit per customer: no customer holds two, and no customer was given two different claim ids;</li>
 * <li>no oversell: claimed &le; stock, and every server's count agrees with the stored claims;</li>
 * <li>sold out exactly: when the stock is smaller than the crowd, exactly the stock is claimed.</li>
 * </ol>
 */
final class Invariants {

    private Invariants() {
    }

    static void check(Simulation sim, Result result) throws Servers.CannotRun, InterruptedException {
        Servers servers = sim.servers();
        String drop = result.dropId;
        List<Map<String, Object>> stored;
        try {
            HttpResponse<String> r = servers.get(0, "/admin/v1/drops/" + drop + "/claims", Duration.ofMinutes(2));
            if (r.statusCode() != 200) {
                throw new Servers.CannotRun("reading the stored claims: " + r.statusCode() + " " + Servers.brief(r.body()));
            }
            stored = Json.objects(Json.object(r.body()), "claims");
        } catch (IOException e) {
            throw new Servers.CannotRun("reading the stored claims: " + e);
        }

        Map<String, Integer> byCustomer = new HashMap<>();
        Map<String, String> ownerOf = new HashMap<>();
        for (Map<String, Object> claim : stored) {
            String customer = Json.string(claim, "customerId");
            byCustomer.merge(customer, 1, Integer::sum);
            ownerOf.put(Json.string(claim, "claimId"), customer);
        }
        int answered201 = 0;
        int missing = 0;
        int conflicts = 0;
        Set<String> told = new HashSet<>();
        String firstMissing = null;
        for (int c = 0; c < sim.customers(); c++) {
            String id = sim.claimIdOf(c);
            if (id == null) {
                continue;
            }
            answered201++;
            told.add(sim.customerId(c));
            if (!sim.customerId(c).equals(ownerOf.get(id))) {
                missing++;
                if (firstMissing == null) {
                    firstMissing = sim.customerId(c) + " was given " + id;
                }
            }
            if (sim.conflictOf(c) != null) {
                conflicts++;
            }
        }
        long twice = byCustomer.values().stream().filter(v -> v > 1).count();
        long unexplained = byCustomer.keySet().stream().filter(c -> !told.contains(c)).count();
        int stock = result.options.stock;

        result.checks.add(new Result.Check("every 201 stored", missing == 0,
                missing == 0 ? "all " + answered201 + " claim ids answered 201 are stored, each under its customer"
                        : missing + " claim id(s) answered 201 are not stored under their customer (first: " + firstMissing + ")"));
        result.checks.add(new Result.Check("stored claims = customers answered 201", stored.size() == answered201 && unexplained == 0,
                stored.size() + " stored, " + answered201 + " customers answered 201" + (unexplained == 0 ? ""
                        : ", " + unexplained + " stored for customers never answered 201")));
        result.checks.add(new Result.Check("one unit per customer", twice == 0 && conflicts == 0,
                twice + " customer(s) hold two or more units; " + conflicts + " customer(s) were given two different claim ids"));

        StringBuilder serversSay = new StringBuilder();
        boolean agree = true;
        for (int s = 0; s < servers.urls().size(); s++) {
            long claimed = -1;
            long left = -1;
            for (int attempt = 0; attempt < 5; attempt++) {
                try {
                    HttpResponse<String> r = servers.get(s, "/admin/v1/drops/" + drop, Duration.ofSeconds(10));
                    Map<String, Object> stats = Json.member(Json.object(r.body()), "stats");
                    claimed = Json.number(stats, "claimed", -1);
                    left = Json.number(stats, "remaining", -1);
                } catch (IOException e) {
                    claimed = -1;
                }
                if (claimed == stored.size() && claimed + left == stock) {
                    break;
                }
                Thread.sleep(1_000);
            }
            agree &= claimed == stored.size() && claimed + left == stock;
            serversSay.append(String.format("; %s says %d claimed, %d remaining", servers.urls().get(s), claimed, left));
        }
        result.checks.add(new Result.Check("no oversell", stored.size() <= stock && agree,
                stored.size() + " stored of a stock of " + stock + serversSay));
        if (stock < sim.customers()) {
            result.checks.add(new Result.Check("sold out exactly", stored.size() == stock,
                    stored.size() + " claimed of " + stock + " with " + sim.customers() + " customers"));
        }
    }
}
