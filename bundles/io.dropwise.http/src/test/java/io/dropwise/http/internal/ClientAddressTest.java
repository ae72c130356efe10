package io.dropwise.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressTest {

    private static boolean in(String cidr, String address) {
        return ClientAddress.Cidr.parse(cidr).contains(ClientAddress.literal(address));
    }

    @Test
    void cidrMatchingIPv4() {
        assertTrue(in("10.0.0.0/8", "10.255.3.4"));
        assertFalse(in("10.0.0.0/8", "11.0.0.1"));
        assertTrue(in("192.168.4.0/22", "192.168.7.255"));
        assertFalse(in("192.168.4.0/22", "192.168.8.0"));
        assertTrue(in("172.16.0.1", "172.16.0.1"), "a single address is a /32");
        assertFalse(in("172.16.0.1", "172.16.0.2"));
        assertTrue(in("0.0.0.0/0", "8.8.8.8"));
        assertTrue(in("10.1.2.3/8", "10.9.9.9"), "host bits of the network are ignored");
        assertEquals("10.0.0.0/8", ClientAddress.Cidr.parse("10.1.2.3/8").toString());
    }

    @Test
    void cidrMatchingIPv6() {
        assertTrue(in("2001:db8::/32", "2001:db8:ffff::1"));
        assertFalse(in("2001:db8::/32", "2001:db9::1"));
        assertTrue(in("::1", "::1"));
        assertTrue(in("fd00::/8", "fdab:1::7"));
        assertFalse(in("10.0.0.0/8", "::ffff:0b00:0001"), "11.0.0.1 written as IPv4-mapped IPv6");
        assertTrue(in("10.0.0.0/8", "::ffff:10.0.0.1"), "an IPv4-mapped IPv6 address is its IPv4 address");
        assertFalse(in("::/0", "10.0.0.1"), "IPv4 and IPv6 networks never match the other family");
    }

    @ParameterizedTest
    @ValueSource(strings = { "10.0.0.0/33", "10.0.0/8", "256.1.1.1", "localhost", "example.com", "2001:db8::/129", "10.0.0.0/-1",
            "10.0.0.0/", "fe80::1%eth0", "" })
    void badNetworksAreRefusedNamingThem(String bad) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientAddress.Cidr.parse(bad));
        assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }

    @Test
    void theSettingKeepsTheGoodEntriesAndNamesTheBadOnes() {
        List<String> refused = new ArrayList<>();
        ClientAddress a = ClientAddress.parse(" 10.0.0.0/8, nonsense ,2001:db8::/32,,192.168.0.1/40", refused::add);
        assertEquals("[10.0.0.0/8, 2001:db8:0:0:0:0:0:0/32]", a.trusted().toString());
        assertEquals(2, refused.size(), refused.toString());
        assertTrue(refused.get(0).contains("nonsense") && refused.get(1).contains("192.168.0.1/40"), refused.toString());
        assertTrue(ClientAddress.parse(null, refused::add).trusted().isEmpty());
        assertTrue(ClientAddress.parse("  ", refused::add).trusted().isEmpty());
    }

    private static String client(ClientAddress a, String peer, String... forwardedFor) {
        return a.of(peer, Collections.enumeration(List.of(forwardedFor)));
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClientWhateverTheHeaderSays() {
        ClientAddress none = ClientAddress.NO_PROXIES;
        assertEquals("198.51.100.7", client(none, "198.51.100.7", "1.2.3.4"));
        assertEquals("198.51.100.7", client(none, "198.51.100.7"));
        assertEquals("198.51.100.7", none.of("198.51.100.7", null));
    }

    @Test
    void behindTrustedProxiesTheRightMostUntrustedEntryIsTheClient() {
        ClientAddress a = ClientAddress.parse("10.0.0.0/8, 2001:db8:ffff::/48", e -> {
            throw new AssertionError(e);
        });
        // the load balancer 10.0.0.2 appended the address it saw
        assertEquals("203.0.113.9", client(a, "10.0.0.2", "203.0.113.9"));
        // two of our proxies in a row
        assertEquals("203.0.113.9", client(a, "10.0.0.2", "203.0.113.9, 10.1.1.1"));
        // the client wrote addresses of its own on the left: ignored, whatever they are
        assertEquals("203.0.113.9", client(a, "10.0.0.2", "1.1.1.1, 8.8.8.8, 203.0.113.9"));
        assertEquals("203.0.113.9", client(a, "10.0.0.2", "10.0.0.77, 203.0.113.9"), "a spoofed 'trusted' entry on the left too");
        // several header lines are one list, in order
        assertEquals("203.0.113.9", client(a, "10.0.0.2", "6.6.6.6", "203.0.113.9, 10.3.3.3"));
        // a proxy that added a port
        assertEquals("203.0.113.9", client(a, "10.0.0.2", "203.0.113.9:51234"));
        // IPv6 clients are keyed by their /64
        assertEquals("2001:db8:1:2:0:0:0:0/64", client(a, "2001:db8:ffff::5", "[2001:db8:1:2:aaaa::1]:443"));
        assertEquals(client(a, "10.0.0.2", "2001:db8:1:2::1"), client(a, "10.0.0.2", "2001:db8:1:2:ffff:ffff:ffff:ffff"));
        // only trusted hops: the request came from inside; the left-most is as far as we can see
        assertEquals("10.9.9.9", client(a, "10.0.0.2", "10.9.9.9, 10.1.1.1"));
        // no header at all: the proxy itself
        assertEquals("10.0.0.2", client(a, "10.0.0.2"));
        // garbage where our proxy should have written an address: the last hop we know
        assertEquals("10.1.1.1", client(a, "10.0.0.2", "203.0.113.9, not-an-address, 10.1.1.1"));
        // a peer that is not trusted is the client even with the header
        assertEquals("198.51.100.7", client(a, "198.51.100.7", "10.0.0.5"));
    }

    @Test
    void onlyLiteralsAreAddressesNoNameIsLookedUp() {
        assertNull(ClientAddress.literal("localhost"));
        assertNull(ClientAddress.literal("1.2.3"));
        assertNull(ClientAddress.literal("01.2.3.4"));
        assertNull(ClientAddress.literal("deadbeef"));
        assertEquals("127.0.0.1", ClientAddress.literal("127.0.0.1").getHostAddress());
    }
}
