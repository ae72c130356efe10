package io.dropwise.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Hand-written SVG charts for the report: line charts over the seconds of the run, and stacked bars. */
final class Svg {

    static final int WIDTH = 960;
    static final int LEFT = 70;
    static final int RIGHT = 20;
    static final int TOP = 28;
    static final int BOTTOM = 42;

    /** A line over x = 0, 1, 2... seconds ({@code Double.NaN}: no point there). */
    record Series(String name, String color, double[] values, boolean dashed) {
    }

    /** A vertical line at {@code x} seconds, from {@code x} to {@code x2} shaded when {@code x2 > x}. */
    record Marker(double x, double x2, String label, String color) {
    }

    private Svg() {
    }

    /**
     * @param points extra points (x seconds, y), drawn as dots in {@code pointsColor}; may be empty
     */
    static String lineChart(String title, String yUnit, double xMax, List<Series> series, List<double[]> points, String pointsName,
                            String pointsColor, List<Marker> markers, int height) {
        double yMax = 0;
        for (Series s : series) {
            for (double v : s.values()) {
                if (!Double.isNaN(v)) {
                    yMax = Math.max(yMax, v);
                }
            }
        }
        for (double[] p : points) {
            yMax = Math.max(yMax, p[1]);
        }
        double yStep = niceStep(yMax <= 0 ? 1 : yMax, 5);
        double yTop = Math.max(yStep, Math.ceil(yMax / yStep) * yStep);
        double xSpan = Math.max(1, xMax);
        double xStep = niceStep(xSpan, 10);
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = height - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
                + " role=\"img\" aria-label=\"%s\">%n", WIDTH, height, WIDTH, height, esc(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" class=\"title\">%s</text>%n", LEFT, esc(title)));
        // grid and axes
        for (double y = 0; y <= yTop + yStep / 2; y += yStep) {
            double py = TOP + plotH - y / yTop * plotH;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" class=\"grid\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" class=\"tick\" text-anchor=\"end\">%s</text>%n", LEFT, py, LEFT + plotW, py, LEFT - 6, py + 4,
                    number(y)));
        }
        for (double x = 0; x <= xSpan + xStep / 2; x += xStep) {
            double px = LEFT + x / xSpan * plotW;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">%s s</text>%n", px, TOP, px, TOP + plotH, px,
                    TOP + plotH + 16, number(x)));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" class=\"tick\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n",
                TOP + plotH / 2, TOP + plotH / 2, esc(yUnit)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" class=\"tick\" text-anchor=\"middle\">seconds after the first opening</text>%n",
                LEFT + plotW / 2, height - 6));
        // markers
        for (int k = 0; k < markers.size(); k++) {
            Marker m = markers.get(k);
            double px = LEFT + Math.min(m.x(), xSpan) / xSpan * plotW;
            if (m.x2() > m.x()) {
                double px2 = LEFT + Math.min(m.x2(), xSpan) / xSpan * plotW;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" opacity=\"0.12\"/>%n",
                        px, TOP, Math.max(1, px2 - px), plotH, m.color()));
            }
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\""
                    + " stroke-dasharray=\"4 3\"><title>%s</title></line>%n", px, TOP, px, TOP + plotH, m.color(), esc(m.label())));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"marker\" fill=\"%s\">%s</text>%n", px + 3, TOP + 10 + (k % 4) * 12,
                    m.color(), esc(shorten(m.label(), 40))));
        }
        // lines
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            boolean pen = false;
            double[] v = s.values();
            for (int i = 0; i < v.length; i++) {
                if (Double.isNaN(v[i])) {
                    pen = false;
                    continue;
                }
                double px = LEFT + Math.min(i, xSpan) / xSpan * plotW;
                double py = TOP + plotH - v[i] / yTop * plotH;
                path.append(pen ? " L" : " M").append(String.format(Locale.ROOT, "%.1f %.1f", px, py));
                pen = true;
            }
            svg.append(String.format(Locale.ROOT, "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s><title>%s</title></path>%n",
                    path.toString().trim(), s.color(), s.dashed() ? " stroke-dasharray=\"6 3\"" : "", esc(s.name())));
        }
        for (double[] p : points) {
            double px = LEFT + Math.min(p[0], xSpan) / xSpan * plotW;
            double py = TOP + plotH - p[1] / yTop * plotH;
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\"/>", px, py, pointsColor));
        }
        if (!points.isEmpty()) {
            svg.append('\n');
        }
        // legend
        double lx = LEFT + plotW - 10;
        List<String[]> legend = new ArrayList<>();
        for (Series s : series) {
            legend.add(new String[] {s.name(), s.color()});
        }
        if (!points.isEmpty()) {
            legend.add(new String[] {pointsName, pointsColor});
        }
        for (int i = 0; i < legend.size(); i++) {
            double ly = TOP + 14 + i * 16;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"4\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\" text-anchor=\"end\">%s</text>%n", lx, ly - 4, legend.get(i)[1], lx - 4, ly,
                    esc(legend.get(i)[0])));
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /**
     * @param rows label -> (segment -> value), one bar per row, segments stacked in the order of {@code colors}
     * @param colors segment -> colour
     */
    static String stackedBars(String title, Map<String, Map<String, Integer>> rows, Map<String, String> colors) {
        int rowH = 30;
        int height = TOP + rows.size() * rowH + 56;
        int barLeft = 160;
        int plotW = WIDTH - barLeft - RIGHT;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
                + " role=\"img\" aria-label=\"%s\">%n", WIDTH, height, WIDTH, height, esc(title)));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"16\" class=\"title\">%s</text>%n", LEFT, esc(title)));
        int r = 0;
        for (Map.Entry<String, Map<String, Integer>> row : rows.entrySet()) {
            int total = row.getValue().values().stream().mapToInt(Integer::intValue).sum();
            double y = TOP + r * rowH;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" class=\"legend\" text-anchor=\"end\">%s (%,d)</text>%n",
                    barLeft - 8, y + 15, esc(row.getKey()), total));
            double x = barLeft;
            for (Map.Entry<String, String> segment : colors.entrySet()) {
                int value = row.getValue().getOrDefault(segment.getKey(), 0);
                if (value == 0 || total == 0) {
                    continue;
                }
                double w = (double) value / total * plotW;
                svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" fill=\"%s\">"
                        + "<title>%s %s: %,d (%.1f%%)</title></rect>%n", x, y + 2, w, segment.getValue(), esc(row.getKey()), esc(segment.getKey()),
                        value, 100.0 * value / total));
                if (w > 50) {
                    svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" class=\"inbar\">%,d</text>%n", x + 4, y + 16, value));
                }
                x += w;
            }
            r++;
        }
        double ly = TOP + rows.size() * rowH + 20;
        double lx = barLeft;
        for (Map.Entry<String, String> segment : colors.entrySet()) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%.1f\" y=\"%.1f\" class=\"legend\">%s</text>%n", lx, ly - 10, segment.getValue(), lx + 16, ly, esc(segment.getKey())));
            lx += 30 + segment.getKey().length() * 7;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    /** @return a step of 1, 2 or 5 times a power of ten that cuts {@code span} into about {@code parts} */
    static double niceStep(double span, int parts) {
        double raw = span / parts;
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / power;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * power;
    }

    private static String number(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,d", (long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
