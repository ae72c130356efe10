package io.dropwise.http.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.faults.Fault;
import io.dropwise.api.faults.FaultKind;
import io.dropwise.api.faults.FaultSpec;
import io.dropwise.api.faults.Faults;
import io.dropwise.api.faults.InvalidFaultException;

/**
 * {@code /admin/v1/faults}: list ({@code GET}), inject ({@code POST}) and end ({@code DELETE
 * /faults/{id}}) faults. When the server runs without fault injection, every request here is 404
 * {@code faults-disabled}, saying how to turn it on.
 */
final class FaultsResource {

    static final Set<String> FIELDS = Set.of("bundle", "kind", "latencyMillis", "probability", "seconds");

    private final ObjectMapper json;

    FaultsResource(ObjectMapper json) {
        this.json = json;
    }

    /**
     * @param parts the path below {@code /admin/v1}, split ({@code faults}, then maybe an id)
     * @param mayChange asked before a change; answers 403 itself when the operator may not
     */
    void handle(HttpExchange x, String[] parts, Faults faults, MayChange mayChange) throws IOException {
        if (faults == null) {
            x.problem("faults-disabled", "Fault injection is off", 404, "This server was started without fault injection. "
                    + "Start a test server with DROPWISE_FAULTS_ENABLED=true to break things on purpose (never one that customers use).");
            return;
        }
        if (parts.length == 1) {
            if (!x.allow("GET", "POST")) {
                return;
            }
            if (x.request.getMethod().equals("GET")) {
                x.write(200, Map.of("faults", faults.active().stream().map(FaultsResource::view).toList()));
            } else if (mayChange.check()) {
                inject(x, faults);
            }
        } else if (parts.length == 2) {
            if (!x.allow("GET", "DELETE")) {
                return;
            }
            if (x.request.getMethod().equals("GET")) {
                var fault = faults.active().stream().filter(f -> f.id().equals(parts[1])).findFirst();
                if (fault.isPresent()) {
                    x.write(200, view(fault.get()));
                } else {
                    notFound(x, parts[1]);
                }
            } else if (mayChange.check()) {
                if (faults.end(parts[1])) {
                    x.response.setStatus(204);
                } else {
                    notFound(x, parts[1]);
                }
            }
        } else {
            x.problem("not-found", "Not found", 404, "There is no resource at " + x.request.getRequestURI() + ".");
        }
    }

    /** Asks whether the operator may change things, answering 403 when not. */
    interface MayChange {
        boolean check() throws IOException;
    }

    private static void notFound(HttpExchange x, String id) throws IOException {
        x.problem("fault-not-found", "Fault not found", 404, "No fault " + id + " is in force (it may have ended by itself).");
    }

    private void inject(HttpExchange x, Faults faults) throws IOException {
        byte[] body = x.jsonBody();
        if (body == null) {
            return;
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (JacksonException e) {
            x.problem("malformed-json", "Malformed JSON", 400, "The body is not valid JSON: " + e.getOriginalMessage());
            return;
        }
        Map<String, String> errors = new LinkedHashMap<>();
        FaultSpec spec = parse(tree, errors);
        if (spec == null) {
            x.problem("invalid-fault", "Invalid fault", 400, "Some fields are missing or wrong; see errors.", Map.of("errors", errors));
            return;
        }
        try {
            Fault fault = faults.inject(spec);
            x.response.setHeader("Location", x.request.getContextPath() + "/admin/v1/faults/" + fault.id());
            x.write(201, view(fault));
        } catch (InvalidFaultException e) {
            if (e.conflict()) {
                x.problem("fault-conflict", "Fault refused", 409, capitalized(e.getMessage()) + ".");
            } else {
                x.problem("invalid-fault", "Invalid fault", 400, capitalized(e.getMessage()) + ".");
            }
        }
    }

    /** @return the spec, or null with a message per bad field (bounds are the fault service's) */
    static FaultSpec parse(JsonNode tree, Map<String, String> errors) {
        if (tree == null || !tree.isObject()) {
            errors.put("", "the body must be a JSON object");
            return null;
        }
        for (Iterator<String> names = tree.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                errors.put(name, "unknown field (expected one of " + String.join(", ", List.copyOf(new java.util.TreeSet<>(FIELDS))) + ")");
            }
        }
        JsonNode bundle = tree.get("bundle");
        if (bundle == null || !bundle.isTextual() || bundle.asText().isBlank()) {
            errors.put("bundle", "the symbolic name of a bundle, for example io.dropwise.store");
        }
        FaultKind kind = null;
        JsonNode k = tree.get("kind");
        if (k != null && k.isTextual()) {
            try {
                kind = FaultKind.valueOf(k.asText().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // reported below
            }
        }
        if (kind == null) {
            errors.put("kind", "one of latency, exception, stop");
        }
        long latency = 0;
        JsonNode l = tree.get("latencyMillis");
        if (l != null && !l.isNull()) {
            if (l.isIntegralNumber() && l.canConvertToLong()) {
                latency = l.asLong();
            } else {
                errors.put("latencyMillis", "a whole number of milliseconds");
            }
        } else if (kind == FaultKind.LATENCY) {
            errors.put("latencyMillis", "required for a latency fault: how long each call waits, in milliseconds");
        }
        double probability = 1;
        JsonNode p = tree.get("probability");
        if (p != null && !p.isNull()) {
            if (p.isNumber()) {
                probability = p.asDouble();
            } else {
                errors.put("probability", "a number more than 0 and at most 1 (the share of calls affected)");
            }
        }
        long seconds = 0;
        JsonNode s = tree.get("seconds");
        if (s != null && s.isIntegralNumber() && s.canConvertToLong()) {
            seconds = s.asLong();
        } else {
            errors.put("seconds", "required: how long the fault lasts, in whole seconds (it ends by itself)");
        }
        if (!errors.isEmpty()) {
            return null;
        }
        return new FaultSpec(bundle.asText(), kind, latency, probability, Duration.ofSeconds(Math.max(0, Math.min(seconds, 1_000_000))));
    }

    static Map<String, Object> view(Fault f) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", f.id());
        v.put("bundle", f.spec().bundle());
        v.put("kind", f.spec().kind().name().toLowerCase(Locale.ROOT));
        if (f.spec().kind() == FaultKind.LATENCY) {
            v.put("latencyMillis", f.spec().latencyMillis());
        }
        if (f.spec().kind() != FaultKind.STOP) {
            v.put("probability", f.spec().probability());
        }
        v.put("startedAt", f.startedAt().toString());
        v.put("endsAt", f.endsAt().toString());
        return v;
    }

    private static String capitalized(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
