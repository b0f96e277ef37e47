package dev.fyntr.transport.nio.internal.threat;

import dev.fyntr.transport.nio.internal.net.Addresses;
import dev.fyntr.transport.nio.internal.net.HostNames;

import java.util.Locale;
import java.util.Set;

/**
 * Classifies one line of a threat feed (docs/threats-and-socks5.md#file-format). Pure functions, any thread.
 *
 * <p>Accepted, after surrounding blanks are stripped:
 * <ul>
 * <li>a domain, {@code evil.example}, in the one canonical form of {@link HostNames#canonicalDomain} (one leading
 *     and one trailing dot are ignored; IDNA names become ASCII lower case; labels of {@code a-z 0-9 -});</li>
 * <li>an IP address, {@code 192.0.2.7} or {@code 2001:db8::7} (strict forms only, see {@link Addresses});</li>
 * <li>a CIDR range, {@code 192.0.2.0/24}; host bits beyond the prefix are cleared rather than refused, since a
 *     third-party list that writes {@code 192.0.2.7/24} still means to block that /24;</li>
 * <li>an adblock rule {@code ||evil.example^} with no options;</li>
 * <li>a hosts-file line {@code 0.0.0.0 evil.example [more names]} whose address is 0.0.0.0, 127.0.0.1, :: or ::1
 *     (the common block-list format); names such as {@code localhost} on such lines are ignored.</li>
 * </ul>
 * {@code #} and {@code !} start a comment line; {@code " #"} starts a trailing comment. Anything else (adblock
 * options {@code $}, exceptions {@code @@}, paths, wildcards, regular expressions, element-hiding rules,
 * numeric-looking names such as {@code 127.1}) is reported as unsupported, so that it is counted, not guessed at.
 */
final class FeedLineParser {

    /** Receives what a line holds. */
    interface Sink {
        /** A domain in {@link HostNames#canonical} form: the form every requested host is matched in. */
        void domain(String domain);

        /** An address range: 4 or 16 bytes with host bits cleared, and its prefix length. */
        void range(byte[] network, int prefixLength);

        /** A rule this proxy does not support; {@code why} is a short reason for the warning. */
        void unsupported(String why);
    }

    /** Names found on hosts-file lines that are the file's own housekeeping, not block rules. */
    private static final Set<String> HOSTS_FILE_NAMES = Set.of("localhost", "localhost.localdomain", "local",
            "broadcasthost", "ip6-localhost", "ip6-loopback", "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes",
            "ip6-allrouters", "ip6-allhosts", "0.0.0.0");
    private static final Set<String> HOSTS_FILE_ADDRESSES = Set.of("0.0.0.0", "127.0.0.1", "::", "::1");

    private FeedLineParser() {
    }

    /** Feeds what {@code line} holds to {@code sink}: nothing for blanks and comments, else one or more calls. */
    static void parse(String line, Sink sink) {
        String s = strip(line);
        if (s.isEmpty() || s.charAt(0) == '#' || s.charAt(0) == '!') {
            return;
        }
        int comment = trailingComment(s);
        if (comment >= 0) {
            s = strip(s.substring(0, comment));
        }
        if (s.startsWith("@@")) {
            sink.unsupported("adblock exception rule");
            return;
        }
        if (s.startsWith("||")) {
            if (s.length() > 3 && s.endsWith("^")) {
                single(s.substring(2, s.length() - 1), sink, true);
            } else {
                sink.unsupported(s.indexOf('$') >= 0 ? "adblock rule with options" : "adblock rule other than ||domain^");
            }
            return;
        }
        int blank = firstBlank(s);
        if (blank >= 0) {
            hostsLine(s, blank, sink);
            return;
        }
        single(s, sink, false);
    }

    private static void hostsLine(String s, int blank, Sink sink) {
        String address = s.substring(0, blank);
        if (!HOSTS_FILE_ADDRESSES.contains(address)) {
            sink.unsupported("several words on a line, and not a hosts-file line (0.0.0.0 name)");
            return;
        }
        int i = blank;
        while (i < s.length()) {
            while (i < s.length() && isBlank(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !isBlank(s.charAt(i))) {
                i++;
            }
            if (start < i) {
                String name = s.substring(start, i);
                // Compared in lower case, but canonicalised as written: String's case rules are not IDNA's.
                if (!HOSTS_FILE_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
                    domain(name, sink);
                }
            }
        }
    }

    /** One entry: a CIDR range, an IP, or a domain. */
    private static void single(String s, Sink sink, boolean adblock) {
        int slash = s.indexOf('/');
        if (slash >= 0) {
            if (adblock) {
                sink.unsupported("adblock rule with a path");
            } else {
                cidr(s, slash, sink);
            }
            return;
        }
        byte[] ip = Addresses.parseLiteral(s);
        if (ip != null) {
            range(ip, ip.length * 8, sink);
            return;
        }
        domain(s, sink);
    }

    private static void cidr(String s, int slash, Sink sink) {
        byte[] ip = Addresses.parseLiteral(s.substring(0, slash));
        String prefixText = s.substring(slash + 1);
        if (ip == null || prefixText.length() > 3 || !HostNames.allDigits(prefixText, 0, prefixText.length())) {
            sink.unsupported("path or regular expression");
            return;
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > ip.length * 8) {
            sink.unsupported("CIDR prefix longer than the address");
            return;
        }
        range(ip, prefix, sink);
    }

    private static void range(byte[] ip, int prefix, Sink sink) {
        if (ip.length == 16 && prefix >= 96 && isMapped(ip)) {
            // ::ffff:a.b.c.d/n is the IPv4 range a.b.c.d/(n-96): addresses are matched as IPv4.
            ip = new byte[] {ip[12], ip[13], ip[14], ip[15]};
            prefix -= 96;
        }
        for (int bit = prefix; bit < ip.length * 8; bit++) {
            ip[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        sink.range(ip, prefix);
    }

    private static void domain(String text, Sink sink) {
        String name;
        try {
            name = HostNames.canonicalDomain(text);
        } catch (HostNames.InvalidHostNameException e) {
            sink.unsupported(unsupportedDomainReason(text, e.getMessage()));
            return;
        }
        if (HostNames.looksNumeric(name)) {
            sink.unsupported("numeric-looking name, which no request can carry (requests for it are refused)");
            return;
        }
        sink.domain(name);
    }

    private static String unsupportedDomainReason(String text, String hostNameProblem) {
        if (text.indexOf('*') >= 0) {
            return "wildcard";
        }
        if (text.indexOf('$') >= 0) {
            return "adblock rule with options";
        }
        if (text.indexOf('|') >= 0 || text.indexOf('^') >= 0 || text.contains("##") || text.contains("#@#")) {
            return "adblock rule other than ||domain^";
        }
        return "not a domain, IP or CIDR: " + hostNameProblem;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xFF && b[11] == (byte) 0xFF;
    }

    /** Index of a {@code #} that follows a blank (a trailing comment), or -1. */
    private static int trailingComment(String s) {
        for (int i = 1; i < s.length(); i++) {
            if (s.charAt(i) == '#' && isBlank(s.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }

    private static int firstBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isBlank(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** {@link String#strip()}, plus a byte-order mark (a UTF-8 file saved by some Windows editors). */
    private static String strip(String line) {
        String s = line.strip();
        while (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
            s = s.substring(1).strip();
        }
        return s;
    }
}
