package io.dropwise.http.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Which network address a request comes from, for the per-address rate limit: the TCP peer, unless
 * the peer is one of the trusted proxies ({@code dropwise.trusted.proxies}); then the right-most
 * {@code X-Forwarded-For} entry that is not a trusted proxy.
 *
 * <p>Why the right-most: every proxy <em>appends</em> the address it received the request from, so
 * the list reads client, proxy 1, proxy 2... but anything left of what our own proxies appended was
 * written by the client, who can put any address there. Walking from the right, past our trusted
 * proxies, the first other entry is the address the outermost trusted proxy saw: the one a client
 * cannot choose. Taking the left-most (as many tutorials do) lets anyone pick a fresh address per
 * request and escape the limit, or spend someone else's.
 *
 * <p>Addresses are literals only (no name is ever looked up). An IPv6 client is keyed by its /64
 * network: one home or phone gets a /64, and counting each of its 2<sup>64</sup> addresses apart
 * would make the limit useless. Immutable and thread-safe.
 */
final class ClientAddress {

    /** A network: an address and how many leading bits of it count. */
    record Cidr(byte[] network, int bits) {

        /**
         * @param text {@code 10.0.0.0/8}, {@code 192.168.1.7}, {@code 2001:db8::/32} or {@code ::1}
         * @throws IllegalArgumentException naming what is wrong
         */
        static Cidr parse(String text) {
            String s = text.strip();
            int slash = s.indexOf('/');
            InetAddress address = literal(slash < 0 ? s : s.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or a CIDR network (a.b.c.d/n or ipv6/n)");
            }
            byte[] bytes = address.getAddress();
            int max = bytes.length * 8;
            int bits = max;
            if (slash >= 0) {
                String suffix = s.substring(slash + 1);
                if (!suffix.matches("\\d{1,3}") || Integer.parseInt(suffix) > max) {
                    throw new IllegalArgumentException("'" + text + "': the prefix length must be 0 to " + max);
                }
                bits = Integer.parseInt(suffix);
            }
            return new Cidr(mask(bytes, bits), bits);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            return a.length == network.length && Arrays.equals(mask(a, bits), network);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cidr c && c.bits == bits && Arrays.equals(c.network, network);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(network) + bits;
        }

        @Override
        public String toString() {
            try {
                return InetAddress.getByAddress(network).getHostAddress() + "/" + bits;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static final ClientAddress NO_PROXIES = new ClientAddress(List.of());

    private final List<Cidr> trusted;

    ClientAddress(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /**
     * Reads {@code dropwise.trusted.proxies}: comma-separated addresses and CIDR networks, IPv4 or IPv6.
     *
     * @param refused told about each entry that is not an address or a network (which is left out)
     */
    static ClientAddress parse(String setting, Consumer<String> refused) {
        if (setting == null || setting.isBlank()) {
            return NO_PROXIES;
        }
        List<Cidr> cidrs = new ArrayList<>();
        for (String entry : setting.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                cidrs.add(Cidr.parse(entry));
            } catch (IllegalArgumentException e) {
                refused.accept(e.getMessage());
            }
        }
        return new ClientAddress(cidrs);
    }

    List<Cidr> trusted() {
        return trusted;
    }

    /**
     * @param peer the TCP peer's address ({@code getRemoteAddr()})
     * @param forwardedFor the {@code X-Forwarded-For} header lines, in order (may be {@code null})
     * @return the key of the client's address: {@code 203.0.113.9}, or {@code 2001:db8:1:2::/64}
     */
    String of(String peer, Enumeration<String> forwardedFor) {
        InetAddress client = literal(peer);
        if (client == null) {
            return peer == null ? "unknown" : peer; // not an IP peer (a unix socket, a test): itself
        }
        if (isTrusted(client) && forwardedFor != null) {
            List<String> entries = new ArrayList<>();
            while (forwardedFor.hasMoreElements()) {
                for (String e : forwardedFor.nextElement().split(",")) {
                    entries.add(e.strip());
                }
            }
            for (int i = entries.size() - 1; i >= 0; i--) {
                InetAddress hop = literal(withoutPort(entries.get(i)));
                if (hop == null) {
                    break; // a proxy of ours wrote something that is not an address: keep the last hop known
                }
                client = hop;
                if (!isTrusted(hop)) {
                    break;
                }
            }
        }
        return key(client);
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String key(InetAddress address) {
        if (address instanceof Inet6Address) {
            return new Cidr(mask(address.getAddress(), 64), 64).toString();
        }
        return address.getHostAddress();
    }

    /** {@code 1.2.3.4:5678} → {@code 1.2.3.4}; {@code [2001:db8::1]:443} → {@code 2001:db8::1}; otherwise unchanged */
    private static String withoutPort(String entry) {
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            return close < 0 ? entry : entry.substring(1, close);
        }
        int colon = entry.indexOf(':');
        return colon > 0 && colon == entry.lastIndexOf(':') ? entry.substring(0, colon) : entry;
    }

    /**
     * @return the address of an IPv4 (four decimal numbers) or IPv6 literal, or {@code null} for
     *         anything else; never a name lookup
     */
    static InetAddress literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        boolean v4 = text.matches("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
        boolean v6 = !v4 && text.indexOf(':') >= 0 && text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(text); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static byte[] mask(byte[] address, int bits) {
        byte[] masked = address.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            masked[i] &= (byte) (0xff00 >> keep);
        }
        return masked;
    }
}
