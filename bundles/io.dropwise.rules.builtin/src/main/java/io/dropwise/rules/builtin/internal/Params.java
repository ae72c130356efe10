package io.dropwise.rules.builtin.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.dropwise.api.rules.InvalidParametersException;

/** Reads rule parameters (JSON values), collecting a message per bad one. */
final class Params {

    private final Map<String, Object> params;
    private final Map<String, String> errors = new LinkedHashMap<>();

    Params(Map<String, Object> params) {
        this.params = params == null ? Map.of() : params;
    }

    List<String> strings(String name, boolean required) {
        Object v = params.get(name);
        if (v == null) {
            if (required) {
                errors.put(name, "required: a list of strings");
            }
            return List.of();
        }
        if (!(v instanceof List<?> list) || list.stream().anyMatch(e -> !(e instanceof String))) {
            errors.put(name, "must be a list of strings");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        list.forEach(e -> out.add((String) e));
        if (required && out.isEmpty()) {
            errors.put(name, "must not be empty");
        }
        return out;
    }

    String string(String name, String defaultValue) {
        Object v = params.get(name);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof String s) || s.isBlank()) {
            errors.put(name, "must be a non-empty string");
            return defaultValue;
        }
        return s;
    }

    Integer integer(String name, int min) {
        Object v = params.get(name);
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min || ((Number) v).longValue() > Integer.MAX_VALUE) {
            errors.put(name, "required: a whole number of at least " + min);
            return null;
        }
        return ((Number) v).intValue();
    }

    Double number(String name, double min) {
        Object v = params.get(name);
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue()) || n.doubleValue() < min) {
            errors.put(name, "required: a number of at least " + min);
            return null;
        }
        return n.doubleValue();
    }

    void error(String name, String message) {
        errors.put(name, message);
    }

    /** Refuses parameters that are not among the known ones, then throws if anything was wrong. */
    void check(String... known) throws InvalidParametersException {
        List<String> names = List.of(known);
        for (String name : params.keySet()) {
            if (!names.contains(name)) {
                errors.put(name, "unknown parameter; this rule takes " + names);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidParametersException(errors);
        }
    }
}
