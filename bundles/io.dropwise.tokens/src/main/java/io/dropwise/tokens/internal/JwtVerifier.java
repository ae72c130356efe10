package io.dropwise.tokens.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dropwise.api.customer.Customer;
import io.dropwise.api.customer.Tier;
import io.dropwise.api.customer.TokenRejectedException;

/**
 * Verifies a compact JWS (RFC 7515/7519) and reads the customer from it. Accepts HS256, RS256 and
 * ES256 only; {@code alg: none} and every other algorithm are refused, and an algorithm is only
 * accepted with a key of its own kind (no HS256 "signed" with a public key).
 */
final class JwtVerifier {

    /** Tokens larger than this are refused before any parsing. */
    static final int MAX_TOKEN_LENGTH = 8 * 1024;
    static final Duration CLOCK_SKEW = Duration.ofSeconds(30);

    private static final Set<String> RESERVED = Set.of("sub", "tier", "cards", "exp", "iat", "nbf", "iss", "aud", "jti");

    private final SigningKeys keys;
    private final String issuer;
    private final String audience;
    private final Clock clock;
    private final ObjectMapper json;
    /** HS256: a Mac set up with the secret, cloned for each token (cheaper than looking the algorithm up and keying it each time). */
    private volatile HmacKey hmac;
    /** Parsed JOSE headers: an issuer's tokens all share one or two; bounded, read-only once parsed. */
    private final Map<String, JsonNode> headers = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_HEADERS_KEPT = 32;

    private record HmacKey(byte[] secret, Mac prototype) {
    }

    JwtVerifier(SigningKeys keys, String issuer, String audience, Clock clock, ObjectMapper json) {
        this.keys = keys;
        this.issuer = issuer;
        this.audience = audience;
        this.clock = clock;
        this.json = json;
    }

    Customer verify(String token) throws TokenRejectedException {
        if (token == null || token.isEmpty()) {
            throw new TokenRejectedException("no token");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new TokenRejectedException("token longer than " + MAX_TOKEN_LENGTH + " characters");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw new TokenRejectedException("not a compact JWS (three dot-separated parts)");
        }
        JsonNode header = header(parts[0]);
        JsonNode claims = decodeJson(parts[1], "payload");
        byte[] signature = decode(parts[2], "signature");
        String alg = header.path("alg").asText("");
        String kid = header.hasNonNull("kid") ? header.get("kid").asText() : null;
        if (header.has("crit")) {
            throw new TokenRejectedException("critical header parameters are not supported");
        }
        byte[] signingInput = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (!signatureValid(alg, kid, signingInput, signature)) {
            throw new TokenRejectedException("bad signature or unaccepted algorithm '" + alg + "'");
        }
        checkTimes(claims);
        checkIssuerAndAudience(claims);
        return customer(claims);
    }

    private boolean signatureValid(String alg, String kid, byte[] input, byte[] signature) throws TokenRejectedException {
        try {
            switch (alg) {
                case "HS256" -> {
                    if (keys.secret() == null) {
                        return false;
                    }
                    return MessageDigest.isEqual(hmacFor(keys.secret()).doFinal(input), signature);
                }
                case "RS256" -> {
                    return anyVerifies("SHA256withRSA", keys.publicKeysFor(alg, kid), input, signature);
                }
                case "ES256" -> {
                    if (signature.length != 64) {
                        return false;
                    }
                    return anyVerifies("SHA256withECDSAinP1363Format", keys.publicKeysFor(alg, kid), input, signature);
                }
                default -> {
                    return false;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new TokenRejectedException("signature check failed: " + e.getMessage());
        }
    }

    private static boolean anyVerifies(String algorithm, List<PublicKey> candidates, byte[] input, byte[] signature)
            throws GeneralSecurityException {
        for (PublicKey key : candidates) {
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(key);
            verifier.update(input);
            try {
                if (verifier.verify(signature)) {
                    return true;
                }
            } catch (java.security.SignatureException malformed) {
                // a signature that is not even well-formed for this key: try the next key
            }
        }
        return false;
    }

    private void checkTimes(JsonNode claims) throws TokenRejectedException {
        long now = clock.instant().getEpochSecond();
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.isNumber()) {
            throw new TokenRejectedException("no numeric exp (expiry) claim");
        }
        if (now > exp.asLong() + CLOCK_SKEW.getSeconds()) {
            throw new TokenRejectedException("expired");
        }
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && (!nbf.isNumber() || now + CLOCK_SKEW.getSeconds() < nbf.asLong())) {
            throw new TokenRejectedException("not valid yet (nbf)");
        }
    }

    private void checkIssuerAndAudience(JsonNode claims) throws TokenRejectedException {
        if (issuer != null && !issuer.equals(claims.path("iss").asText(null))) {
            throw new TokenRejectedException("issuer is not " + issuer);
        }
        if (audience != null) {
            JsonNode aud = claims.get("aud");
            boolean ok = aud != null && (aud.isTextual() ? audience.equals(aud.asText()) : contains(aud, audience));
            if (!ok) {
                throw new TokenRejectedException("audience does not include " + audience);
            }
        }
    }

    private static boolean contains(JsonNode array, String value) {
        if (!array.isArray()) {
            return false;
        }
        for (JsonNode n : array) {
            if (n.isTextual() && value.equals(n.asText())) {
                return true;
            }
        }
        return false;
    }

    private Customer customer(JsonNode claims) throws TokenRejectedException {
        JsonNode sub = claims.get("sub");
        if (sub == null || !sub.isTextual() || sub.asText().isBlank() || sub.asText().length() > 200) {
            throw new TokenRejectedException("no usable sub (customer id) claim");
        }
        JsonNode tierNode = claims.get("tier");
        Tier tier = tierNode != null && tierNode.isTextual() ? Tier.fromWireName(tierNode.asText()).orElse(null) : null;
        if (tier == null) {
            throw new TokenRejectedException("tier claim must be one of employee, vip, standard");
        }
        Set<String> cards = new LinkedHashSet<>();
        JsonNode cardsNode = claims.get("cards");
        if (cardsNode != null && !cardsNode.isNull()) {
            if (!cardsNode.isArray()) {
                throw new TokenRejectedException("cards claim must be an array of strings");
            }
            for (JsonNode c : cardsNode) {
                if (!c.isTextual()) {
                    throw new TokenRejectedException("cards claim must be an array of strings");
                }
                cards.add(c.asText());
            }
        }
        Map<String, Object> attributes = new HashMap<>();
        claims.fields().forEachRemaining(e -> {
            if (!RESERVED.contains(e.getKey())) {
                Object value = json.convertValue(e.getValue(), Object.class);
                if (value != null) {
                    attributes.put(e.getKey(), value);
                }
            }
        });
        return new Customer(sub.asText(), tier, cards, attributes);
    }

    private Mac hmacFor(byte[] secret) throws GeneralSecurityException {
        HmacKey k = hmac;
        if (k == null || k.secret() != secret) {
            Mac prototype = Mac.getInstance("HmacSHA256");
            prototype.init(new SecretKeySpec(secret, "HmacSHA256"));
            k = new HmacKey(secret, prototype);
            hmac = k;
        }
        try {
            return (Mac) k.prototype().clone();
        } catch (CloneNotSupportedException e) { // a provider whose Mac cannot be cloned: key a new one
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac;
        }
    }

    /** The JOSE header, parsed once per distinct header (never changed afterwards: only read). */
    private JsonNode header(String part) throws TokenRejectedException {
        JsonNode kept = headers.get(part);
        if (kept != null) {
            return kept;
        }
        JsonNode parsed = decodeJson(part, "header");
        if (headers.size() < MAX_HEADERS_KEPT && part.length() <= 512) {
            headers.putIfAbsent(part, parsed);
        }
        return parsed;
    }

    private JsonNode decodeJson(String part, String what) throws TokenRejectedException {
        try {
            JsonNode node = json.readTree(decode(part, what));
            if (node == null || !node.isObject()) {
                throw new TokenRejectedException(what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new TokenRejectedException(what + " is not JSON");
        } catch (java.io.IOException e) {
            throw new TokenRejectedException(what + " cannot be read");
        }
    }

    private static byte[] decode(String part, String what) throws TokenRejectedException {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException(what + " is not base64url");
        }
    }
}
