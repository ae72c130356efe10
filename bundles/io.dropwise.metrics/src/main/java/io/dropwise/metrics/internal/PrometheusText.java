package io.dropwise.metrics.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.dropwise.api.metrics.Metrics;

/**
 * Collects metric families and writes them in the Prometheus text exposition format 0.0.4: one
 * {@code # HELP} and {@code # TYPE} line per family, then its samples; label values escaped. A
 * sample that does not fit its family (a bad name, another type under the same name) is left out
 * and counted in {@link #rejected()}, so one bundle's mistake never breaks the scrape.
 */
final class PrometheusText implements Metrics {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private record Family(String type, String help, StringBuilder samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();
    private int rejected;

    int rejected() {
        return rejected;
    }

    @Override
    public void counter(String name, String help, Map<String, String> labels, double value) {
        sample(name, "counter", help, labels, name, null, value);
    }

    @Override
    public void gauge(String name, String help, Map<String, String> labels, double value) {
        sample(name, "gauge", help, labels, name, null, value);
    }

    @Override
    public void histogram(String name, String help, Map<String, String> labels, double[] upperBounds, long[] cumulativeCounts, double sum,
            long count) {
        if (upperBounds.length != cumulativeCounts.length) {
            rejected++;
            return;
        }
        Family f = family(name, "histogram", help, labels);
        if (f == null) {
            return;
        }
        for (int i = 0; i < upperBounds.length; i++) {
            line(f.samples(), name + "_bucket", labels, "le", number(upperBounds[i]), cumulativeCounts[i]);
        }
        line(f.samples(), name + "_bucket", labels, "le", "+Inf", count);
        line(f.samples(), name + "_sum", labels, null, null, sum);
        line(f.samples(), name + "_count", labels, null, null, count);
    }

    private void sample(String family, String type, String help, Map<String, String> labels, String name, String extra, double value) {
        Family f = family(family, type, help, labels);
        if (f != null) {
            line(f.samples(), name, labels, null, extra, value);
        }
    }

    private Family family(String name, String type, String help, Map<String, String> labels) {
        if (name == null || !NAME.matcher(name).matches() || labels.keySet().stream().anyMatch(l -> !LABEL.matcher(l).matches() || l.equals("le"))) {
            rejected++;
            return null;
        }
        Family f = families.computeIfAbsent(name, k -> new Family(type, help == null ? "" : help, new StringBuilder()));
        if (!f.type().equals(type)) {
            rejected++;
            return null;
        }
        return f;
    }

    private static void line(StringBuilder out, String name, Map<String, String> labels, String extraLabel, String extraValue, double value) {
        out.append(name);
        if (!labels.isEmpty() || extraLabel != null) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> l : labels.entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(l.getKey()).append("=\"").append(escape(l.getValue())).append('"');
            }
            if (extraLabel != null) {
                if (!first) {
                    out.append(',');
                }
                out.append(extraLabel).append("=\"").append(extraValue).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(number(value)).append('\n');
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%s", v);
    }

    static String escape(String value) {
        if (value == null) {
            return "";
        }
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** @return the exposition text */
    String text() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Family> e : families.entrySet()) {
            Family f = e.getValue();
            out.append("# HELP ").append(e.getKey()).append(' ').append(f.help().replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            out.append("# TYPE ").append(e.getKey()).append(' ').append(f.type()).append('\n');
            out.append(f.samples());
        }
        return out.toString();
    }
}
