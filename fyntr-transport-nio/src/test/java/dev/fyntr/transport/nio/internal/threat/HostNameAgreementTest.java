package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.FyntrProxy;
import dev.fyntr.transport.nio.internal.handshake.FrontEnd.Progress;
import dev.fyntr.transport.nio.internal.handshake.http.RequestHeadParser;
import dev.fyntr.transport.nio.internal.handshake.socks.Socks5FrontEnd;
import dev.fyntr.transport.nio.internal.net.ConnectTarget;
import dev.fyntr.transport.nio.internal.net.HostNameSpellings;
import dev.fyntr.transport.nio.internal.net.HostNameSpellings.Label;
import dev.fyntr.transport.nio.internal.net.HostNameSpellings.Name;
import dev.fyntr.transport.nio.internal.policy.DestinationPolicy;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The five places that read host names agree (issue 13): a name written one way in a CONNECT line, another way in
 * a SOCKS5 request, a third in a threat feed and a fourth in the allow-domains is one host to all of them. Lives
 * here because the feed parser and the domain set are package-private.
 */
class HostNameAgreementTest {

    private static final InetAddress DENIED = address(10, 0, 0, 1);
    private static final InetAddress PUBLIC = address(93, 184, 215, 14);

    @Provide
    Arbitrary<Name> names() {
        return HostNameSpellings.names();
    }

    @Property(tries = 500)
    void shouldSeeOneHostHoweverEachPlaceHasItWritten(@ForAll("names") Name name, @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        String expected = name.canonical();

        ConnectTarget viaConnect = connect(HostNameSpellings.spell(name, r));
        assertEquals(expected, viaConnect.host());
        String socksSpelling = HostNameSpellings.spell(name, r);
        if (socksSpelling.getBytes(StandardCharsets.UTF_8).length <= 255) {
            assertEquals(expected, socks5(socksSpelling).host());
        }
        String feedSpelling = HostNameSpellings.spell(name, r);
        assertEquals(List.of(expected), feedDomains(feedSpelling), feedSpelling);
        assertEquals(List.of(expected), feedDomains("0.0.0.0 " + HostNameSpellings.spell(name, r)), "hosts-file line");
        assertEquals(List.of(expected), feedDomains("||" + HostNameSpellings.spell(name, r) + "^"), "adblock rule");

        DomainSet feed = new DomainSet();
        feed.add(feedDomains(feedSpelling).get(0), 0);
        assertEquals(expected, feed.domainAt(feed.findSuffix(viaConnect.host())));

        String allowSpelling = (r.nextBoolean() ? "." : "") + HostNameSpellings.spell(name, r);
        FyntrProxy.builder().allowDomains(allowSpelling); // accepted by the builder as well
        DestinationPolicy policy = new DestinationPolicy(List.of(443), List.of(), List.of(), List.of(allowSpelling));
        assertEquals(List.of(PUBLIC), policy.check(viaConnect, List.of(DENIED, PUBLIC)).usable(),
                "the allow-domain matched: the denied address was dropped, not the request refused");
    }

    /** A name one edit away matches a list entry exactly when it is that name or a subdomain of it. */
    @Property(tries = 500)
    void shouldMatchListsOnlyForTheNameAndItsSubdomains(@ForAll("names") Name listed, @ForAll long seed)
            throws Exception {
        Random r = new Random(seed);
        Name requested = nearby(listed, r);
        Assume.that(requested.canonical().length() <= 253);
        String host = requested.canonical();
        boolean covered = host.equals(listed.canonical()) || host.endsWith("." + listed.canonical());

        ConnectTarget target = connect(HostNameSpellings.spell(requested, r));
        DomainSet feed = new DomainSet();
        feed.add(feedDomains(HostNameSpellings.spell(listed, r)).get(0), 0);
        assertEquals(covered, feed.findSuffix(target.host()) >= 0, listed + " listed, " + host + " requested");
        DestinationPolicy policy = new DestinationPolicy(List.of(443), List.of(), List.of(),
                List.of(HostNameSpellings.spell(listed, r)));
        assertEquals(covered, policy.check(target, List.of(DENIED, PUBLIC)).allowed(),
                listed + " allowed, " + host + " requested");
    }

    /** The listed name itself, a subdomain of it, its parent, or the name with one label changed. */
    private static Name nearby(Name listed, Random r) {
        List<Label> labels = new ArrayList<>(listed.labels());
        switch (r.nextInt(4)) {
            case 0 -> {
                return listed;
            }
            case 1 -> labels.add(0, new Label("sub" + r.nextInt(10), null));
            case 2 -> {
                if (labels.size() > 1) {
                    labels.remove(0);
                } else {
                    labels.add(0, new Label("www", null));
                }
            }
            default -> {
                int i = r.nextInt(labels.size());
                String l = labels.get(i).canonical();
                String changed = l.length() < 63 ? l + "x" : (l.charAt(0) == 'a' ? "b" : "a") + l.substring(1);
                labels.set(i, new Label(changed, null));
            }
        }
        return new Name(labels);
    }

    private static ConnectTarget connect(String spelled) throws Exception {
        RequestHeadParser parser = new RequestHeadParser();
        ByteBuffer head = ByteBuffer.wrap(("CONNECT " + spelled + ":443 HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        RequestHeadParser.Result result = parser.feed(head);
        if (result != RequestHeadParser.Result.COMPLETE) {
            throw new AssertionError(spelled + ": " + parser.failure().message());
        }
        return parser.target();
    }

    private static ConnectTarget socks5(String spelled) {
        byte[] n = spelled.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {5, 1, 0, 5, 1, 0, 3, (byte) n.length});
        out.writeBytes(n);
        out.writeBytes(new byte[] {1, (byte) 187});
        Socks5FrontEnd socks = new Socks5FrontEnd();
        Progress p = socks.feed(ByteBuffer.wrap(out.toByteArray()));
        if (p != Progress.COMPLETE) {
            throw new AssertionError(spelled + ": " + (p == Progress.FAILED ? socks.failure().message() : p));
        }
        return socks.target();
    }

    private static List<String> feedDomains(String line) {
        List<String> domains = new ArrayList<>();
        FeedLineParser.parse(line, new FeedLineParser.Sink() {
            @Override
            public void domain(String domain) {
                domains.add(domain);
            }

            @Override
            public void range(byte[] network, int prefixLength) {
                throw new AssertionError("a range from " + line);
            }

            @Override
            public void unsupported(String why) {
                throw new AssertionError("unsupported " + line + ": " + why);
            }
        });
        return domains;
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
