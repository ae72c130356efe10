package io.dropwise.claims.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

/**
 * The draw, as published to customers (docs/api.md, "How a draw is verified"):
 * <ol>
 * <li>When the drop is created the server picks a random 32-byte seed and publishes
 * {@code seedHash = hex(SHA-256(seed))}.</li>
 * <li>Each entry is published as {@code entryId = hex(SHA-256(UTF-8(dropId + ":" + customerId)))};
 * a customer can compute their own.</li>
 * <li>At the draw the seed is revealed. Each entry gets {@code ticket = hex(SHA-256(seed || UTF-8(entryId)))};
 * entries are ordered by ticket (then entryId) and the first {@code winners} win.</li>
 * </ol>
 * Anyone with the seed and the list of entry ids can recompute the winners, and the seed could not
 * be chosen after the entries were known.
 */
final class DrawAlgorithm {

    static final String DESCRIPTION = "entryId = hex(SHA-256(UTF-8(dropId + \":\" + customerId))); "
            + "ticket = hex(SHA-256(seedBytes || UTF-8(entryId))); winners = the first N entries ordered by (ticket, entryId); "
            + "seedHash = hex(SHA-256(seedBytes)), published when the drop was created";

    private static final HexFormat HEX = HexFormat.of();

    private DrawAlgorithm() {
    }

    static String seedHash(String seedHex) {
        return HEX.formatHex(sha256(HEX.parseHex(seedHex)));
    }

    static String entryId(String dropId, String customerId) {
        return HEX.formatHex(sha256((dropId + ":" + customerId).getBytes(StandardCharsets.UTF_8)));
    }

    static String ticket(byte[] seed, String entryId) {
        byte[] entry = entryId.getBytes(StandardCharsets.UTF_8);
        byte[] input = new byte[seed.length + entry.length];
        System.arraycopy(seed, 0, input, 0, seed.length);
        System.arraycopy(entry, 0, input, seed.length, entry.length);
        return HEX.formatHex(sha256(input));
    }

    /**
     * @param seedHex the seed, hex
     * @param entryIds every entry id
     * @param winners how many win
     * @return the winning entry ids, in draw order
     */
    static List<String> winners(String seedHex, List<String> entryIds, int winners) {
        byte[] seed = HEX.parseHex(seedHex);
        record Ticketed(String ticket, String entryId) {
        }
        List<Ticketed> tickets = new ArrayList<>(entryIds.size());
        for (String e : entryIds) {
            tickets.add(new Ticketed(ticket(seed, e), e));
        }
        tickets.sort(Comparator.comparing(Ticketed::ticket).thenComparing(Ticketed::entryId));
        return tickets.stream().limit(Math.max(0, winners)).map(Ticketed::entryId).toList();
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
