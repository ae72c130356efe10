package io.dropwise.simulator;

import static io.dropwise.simulator.Svg.esc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The HTML report of a run: one self-contained file (inline CSS and SVG, no script, nothing fetched) with the
 * run's parameters, the invariants, throughput and latency per second with the tier openings, swaps and faults
 * marked, the stock burn-down, and the outcomes per tier.
 */
final class Report {

    static final String GREEN = "#2e7d32";
    static final String BLUE = "#1565c0";
    static final String RED = "#c62828";
    static final String ORANGE = "#ef6c00";
    static final String GREY = "#757575";
    static final String PURPLE = "#6a1b9a";

    private static final Map<String, String> OUTCOME_COLORS = new LinkedHashMap<>();

    static {
        OUTCOME_COLORS.put("claimed", GREEN);
        OUTCOME_COLORS.put("sold-out", "#90a4ae");
        OUTCOME_COLORS.put("already-claimed", "#ffb300");
        OUTCOME_COLORS.put("not-eligible", PURPLE);
        OUTCOME_COLORS.put("early", "#4fc3f7");
        OUTCOME_COLORS.put("closed", "#5d4037");
        OUTCOME_COLORS.put("gave-up", RED);
        OUTCOME_COLORS.put("other", "#000000");
    }

    private Report() {
    }

    static void write(Result r, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html(r), StandardCharsets.UTF_8);
    }

    static String html(Result r) {
        Options o = r.options;
        List<Timeline.Second> seconds = r.seconds;
        int count = seconds.size();
        double[] answers = new double[count];
        double[] created = new double[count];
        double[] noAnswer = new double[count];
        double[] offered = new double[count];
        double[] sent = new double[count];
        double[] p50 = new double[count];
        double[] p99 = new double[count];
        double[] left = new double[count + 1];
        int peak = 0;
        long cumulative = 0;
        left[0] = o.stock;
        for (int i = 0; i < count; i++) {
            Timeline.Second s = seconds.get(i);
            answers[i] = s.answers;
            created[i] = s.created;
            noAnswer[i] = s.noAnswer;
            offered[i] = s.offered;
            sent[i] = s.sent;
            int[] lat = s.sortedLatencies();
            p50[i] = lat.length == 0 ? Double.NaN : Timeline.percentile(lat, 50) / 1000.0;
            p99[i] = lat.length == 0 ? Double.NaN : Timeline.percentile(lat, 99) / 1000.0;
            peak = Math.max(peak, s.created);
            cumulative += s.created;
            left[i + 1] = Math.max(0, o.stock - cumulative);
        }
        double xMax = Math.max(count, r.endMillis / 1000.0);

        List<Svg.Marker> markers = new ArrayList<>();
        r.tierOpeningMillis.forEach((tier, millis) -> markers.add(new Svg.Marker(millis / 1000.0, 0, tier + " opens", BLUE)));
        for (Result.Event e : r.events) {
            String color = !e.ok() ? RED : e.kind().equals("swap") ? GREEN : ORANGE;
            markers.add(new Svg.Marker(e.startMillis() / 1000.0, e.endMillis() / 1000.0, e.label(), color));
        }
        if (r.settledAfterRun > 0 || r.mainPhaseEndMillis < r.endMillis - 1_000) {
            markers.add(new Svg.Marker(r.mainPhaseEndMillis / 1000.0, 0, "last retries", GREY));
        }

        StringBuilder h = new StringBuilder();
        h.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                """);
        h.append("<title>Dropwise drop simulation ").append(esc(r.dropId)).append("</title>\n");
        h.append("""
                <style>
                body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 24px auto; max-width: 1000px; color: #212121; padding: 0 12px; }
                h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #e0e0e0; padding-bottom: 4px; }
                table { border-collapse: collapse; margin: 8px 0; } td, th { border: 1px solid #e0e0e0; padding: 3px 8px; text-align: left; vertical-align: top; }
                th { background: #fafafa; } .n { text-align: right; font-variant-numeric: tabular-nums; }
                .ok { color: #2e7d32; font-weight: 600; } .bad { color: #c62828; font-weight: 600; }
                .verdict { padding: 10px 14px; border-radius: 4px; font-size: 16px; margin: 12px 0; }
                .verdict.ok { background: #e8f5e9; } .verdict.bad { background: #ffebee; }
                .figures { display: flex; flex-wrap: wrap; gap: 10px; } .figure { border: 1px solid #e0e0e0; border-radius: 4px; padding: 6px 12px; min-width: 120px; }
                .figure b { display: block; font-size: 20px; } .figure span { color: #616161; font-size: 12px; }
                svg { display: block; max-width: 100%; height: auto; margin: 8px 0; }
                svg .title { font-size: 14px; font-weight: 600; fill: #212121; } svg .tick { font-size: 11px; fill: #616161; }
                svg .grid { stroke: #eeeeee; } svg .marker { font-size: 10px; } svg .legend { font-size: 12px; fill: #212121; }
                svg .inbar { font-size: 11px; fill: #ffffff; }
                code { background: #f5f5f5; padding: 0 3px; }
                </style></head><body>
                """);
        h.append("<h1>Dropwise drop simulation</h1>\n");
        h.append("<p>Drop <code>").append(esc(r.dropId)).append("</code>, first opening at ").append(esc(String.valueOf(r.opensAt)))
                .append(", against ").append(esc(o.urls.stream().map(Object::toString).collect(Collectors.joining(", ")))).append(".</p>\n");
        boolean hold = r.invariantsHold();
        h.append("<div class=\"verdict ").append(hold ? "ok" : "bad").append("\">")
                .append(hold ? "All invariants hold." : "An invariant does not hold.").append("</div>\n");

        double duration = r.durationSeconds();
        long totalAnswers = seconds.stream().mapToLong(s -> s.answers).sum();
        h.append("<div class=\"figures\">\n");
        figure(h, String.format(Locale.ROOT, "%.1f s", duration), "from the first opening to the last answer");
        figure(h, String.format(Locale.ROOT, "%,.0f /s", totalAnswers / duration), "answers per second, on average");
        figure(h, String.format(Locale.ROOT, "%,d /s", peak), "units granted in the busiest second");
        figure(h, ms(r.p50Micros), "p50 latency");
        figure(h, ms(r.p99Micros), "p99 latency");
        figure(h, String.format(Locale.ROOT, "%,d", r.requests), "claim requests (" + String.format(Locale.ROOT, "%,d", r.retries) + " retries)");
        figure(h, String.format(Locale.ROOT, "%,d / %,d", r.granted, o.stock), "units granted / stock");
        h.append("</div>\n");

        h.append("<h2>Invariants</h2>\n<table><tr><th>invariant</th><th></th><th>detail</th></tr>\n");
        for (Result.Check c : r.checks) {
            h.append("<tr><td>").append(esc(c.name())).append("</td><td class=\"").append(c.ok() ? "ok\">holds" : "bad\">FAILS")
                    .append("</td><td>").append(esc(c.detail())).append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Throughput</h2>\n");
        h.append(Svg.lineChart("Answers per second", "per second", xMax, List.of(
                new Svg.Series("all answers/s", BLUE, answers, false),
                new Svg.Series("201 (new unit)/s", GREEN, created, false),
                new Svg.Series("no answer (timeout, error)/s", RED, noAnswer, true)), List.of(), "", GREY, markers, 300));
        h.append(Svg.lineChart("Customers arriving per second (the arrival curve) and first claims sent", "customers per second", xMax, List.of(
                new Svg.Series("arriving (offered)", GREY, offered, true),
                new Svg.Series("first claims sent", BLUE, sent, false)), List.of(), "", GREY, markers, 240));
        h.append("<p>Each tier arrives in a spike at its opening that decays (time constant " + esc(o.decay.toString()) + "). While all "
                + o.connections + " connections are busy the claims wait: the sent line lags the arrivals, and the latencies above do not "
                + "include that wait.</p>\n");
        h.append("<h2>Latency</h2>\n");
        h.append(Svg.lineChart("Latency of the answers of each second", "milliseconds", xMax, List.of(
                new Svg.Series("p50", BLUE, p50, false),
                new Svg.Series("p99", ORANGE, p99, false)), List.of(), "", GREY, markers, 300));
        h.append("<h2>Stock burn-down</h2>\n");
        List<double[]> polled = new ArrayList<>();
        for (Result.Remaining p : r.remaining) {
            polled.add(new double[] {p.millis() / 1000.0, p.remaining()});
        }
        h.append(Svg.lineChart("Units left", "units", xMax, List.of(new Svg.Series("by the customers' 201s", GREEN, left, false)), polled,
                "by the server (GET /admin/v1/drops/{id}, every second)", PURPLE, markers, 260));

        h.append("<h2>Outcomes per tier</h2>\n");
        h.append(Svg.stackedBars("How each customer's claim ended", r.outcomes, OUTCOME_COLORS));
        h.append("<table><tr><th>tier</th><th>opens</th>");
        OUTCOME_COLORS.keySet().forEach(k -> h.append("<th>").append(esc(k)).append("</th>"));
        h.append("<th>customers</th></tr>\n");
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, Integer>> row : r.outcomes.entrySet()) {
            h.append("<tr><td>").append(esc(row.getKey())).append("</td><td>+")
                    .append(String.format(Locale.ROOT, "%.1f s", r.tierOpeningMillis.getOrDefault(row.getKey(), 0L) / 1000.0)).append("</td>");
            int sum = 0;
            for (String k : OUTCOME_COLORS.keySet()) {
                int v = row.getValue().getOrDefault(k, 0);
                sum += v;
                totals.merge(k, v, Integer::sum);
                h.append("<td class=\"n\">").append(String.format(Locale.ROOT, "%,d", v)).append("</td>");
            }
            h.append("<td class=\"n\">").append(String.format(Locale.ROOT, "%,d", sum)).append("</td></tr>\n");
        }
        h.append("<tr><th>all</th><th></th>");
        int all = 0;
        for (String k : OUTCOME_COLORS.keySet()) {
            all += totals.getOrDefault(k, 0);
            h.append("<th class=\"n\">").append(String.format(Locale.ROOT, "%,d", totals.getOrDefault(k, 0))).append("</th>");
        }
        h.append("<th class=\"n\">").append(String.format(Locale.ROOT, "%,d", all)).append("</th></tr></table>\n");
        h.append("<p>A customer's outcome is the last answer they got; <em>gave-up</em> means no definite answer after every retry "
                + "(timeouts, 429, 503). Customers still without one at the end of the drop were retried once more with their key"
                + (r.settledAfterRun > 0 ? " (" + r.settledAfterRun + " got one then)" : "") + ".</p>\n");

        h.append("<h2>Answers</h2>\n<table><tr><th>answer</th><th>requests</th></tr>\n");
        r.answers.forEach((k, v) -> h.append("<tr><td>").append(esc(k)).append("</td><td class=\"n\">")
                .append(String.format(Locale.ROOT, "%,d", v)).append("</td></tr>\n"));
        h.append("</table>\n");

        if (!r.events.isEmpty()) {
            h.append("<h2>Swaps and faults</h2>\n<table><tr><th>at</th><th>until</th><th>what</th><th></th><th>detail</th></tr>\n");
            for (Result.Event e : r.events) {
                h.append(String.format(Locale.ROOT, "<tr><td>+%.1f s</td><td>+%.1f s</td><td>%s</td><td class=\"%s\">%s</td><td>%s</td></tr>%n",
                        e.startMillis() / 1000.0, e.endMillis() / 1000.0, esc(e.label()), e.ok() ? "ok" : "bad", e.ok() ? "done" : "not done",
                        esc(e.detail())));
            }
            h.append("</table>\n");
        }

        h.append("<h2>Run</h2>\n<table>\n");
        row(h, "servers", o.urls.stream().map(Object::toString).collect(Collectors.joining(", ")));
        row(h, "customers", String.format(Locale.ROOT, "%,d (%s)", o.customers, o.customersPerTier()));
        row(h, "stock", String.format(Locale.ROOT, "%,d", o.stock));
        row(h, "tier mix", o.mix().entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " %").collect(Collectors.joining(", ")));
        row(h, "tier gap", o.tierGap.toString());
        row(h, "arrivals", "a spike at each tier's opening, decaying exponentially with time constant " + o.decay
                + " (63 % of a tier within it), all within the tier gap");
        row(h, "lead (drop created to first opening)", o.lead.toString());
        row(h, "connections (requests in flight at most)", Integer.toString(o.connections));
        row(h, "request timeout", o.timeout.toString());
        row(h, "retries per customer", o.retries + ", with the same Idempotency-Key, after a timeout or a 429/5xx (honouring Retry-After, "
                + "at most 30 s); a retry goes to the next server");
        row(h, "seed", Long.toString(o.seed));
        row(h, "largest delay behind the arrival curve", r.maxLagMillis + " ms (the connections were all busy)");
        row(h, "latency, max", ms(r.maxMicros));
        h.append("</table>\n");
        h.append("<p style=\"color:#757575\">Written by dropwise-simulator at ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(".</p>\n</body></html>\n");
        return h.toString();
    }

    private static void figure(StringBuilder h, String value, String label) {
        h.append("<div class=\"figure\"><b>").append(esc(value)).append("</b><span>").append(esc(label)).append("</span></div>\n");
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
    }

    static String ms(int micros) {
        return micros >= 10_000 ? String.format(Locale.ROOT, "%,d ms", micros / 1000) : String.format(Locale.ROOT, "%.1f ms", micros / 1000.0);
    }
}
