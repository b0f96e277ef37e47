package dev.fyntr.scheduler.drr.internal;

import dev.fyntr.api.spi.FlowInfo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rules of weighted DRR ({@code --weight 'registry.example=4,*.internal=0.5,port:22=8'}): a flow's quantum is
 * multiplied by the weight of the first rule that matches its destination; 1 when none does. Immutable.
 *
 * <p>Matching reads only the flow's {@link FlowInfo} and allocates nothing; weighted DRR does it once per flow.
 */
public final class WeightRules {

    /** The smallest and largest weight: beyond them one flow would take 10,000 times another's share. */
    public static final double MIN_WEIGHT = 0.01;
    public static final double MAX_WEIGHT = 100;

    /** What {@link #parse} accepts, for error messages and help. */
    public static final String SYNTAX = "rules are PATTERN=WEIGHT separated by commas; PATTERN is a host name or IP "
            + "address (that host only), *.DOMAIN (every name under DOMAIN), port:N (destination port N) or * (any "
            + "flow); WEIGHT is a number from 0.01 to 100; the first matching rule counts, others get 1; e.g. "
            + "registry.example=4,*.internal=0.5,port:22=8";

    private enum Kind { HOST, SUFFIX, PORT, ANY }

    private record Rule(Kind kind, String host, int port, double weight, String text) {
        boolean matches(FlowInfo info) {
            switch (kind) {
                case HOST:
                    return info.host().equals(host);
                case SUFFIX:
                    // host is ".domain": names under it, not the domain itself.
                    return info.host().endsWith(host) && info.host().length() > host.length();
                case PORT:
                    return info.port() == port;
                default:
                    return true;
            }
        }
    }

    private static final WeightRules NONE = new WeightRules(List.of());

    private final Rule[] rules;

    private WeightRules(List<Rule> rules) {
        this.rules = rules.toArray(new Rule[0]);
    }

    /** No rules: every weight is 1. */
    public static WeightRules none() {
        return NONE;
    }

    /**
     * Parses a comma-separated list of rules; blank text means no rules.
     *
     * @throws IllegalArgumentException naming the first bad rule, why, and the {@link #SYNTAX}
     */
    public static WeightRules parse(String text) {
        if (text == null || text.isBlank()) {
            return NONE;
        }
        List<Rule> rules = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            rules.add(rule(part.strip()));
        }
        return new WeightRules(rules);
    }

    /** The weight of the first rule that matches, or 1. O(rules), no allocation. */
    public double weightOf(FlowInfo info) {
        for (Rule rule : rules) {
            if (rule.matches(info)) {
                return rule.weight;
            }
        }
        return 1.0;
    }

    /** The number of rules. */
    public int size() {
        return rules.length;
    }

    /** The rules as normalised text ({@code registry.example=4,*.internal=0.5}); {@code none} when empty. */
    @Override
    public String toString() {
        if (rules.length == 0) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (Rule rule : rules) {
            sb.append(sb.length() == 0 ? "" : ",").append(rule.text);
        }
        return sb.toString();
    }

    private static Rule rule(String part) {
        int eq = part.lastIndexOf('=');
        if (part.isEmpty()) {
            throw bad(part, "it is empty (two commas in a row, or a comma at an end?)");
        }
        if (eq <= 0 || eq == part.length() - 1) {
            throw bad(part, "it needs PATTERN=WEIGHT");
        }
        String pattern = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        double weight = weight(part, part.substring(eq + 1).strip());
        String text = pattern + "=" + format(weight);
        if (pattern.equals("*")) {
            return new Rule(Kind.ANY, null, 0, weight, text);
        }
        if (pattern.startsWith("port:")) {
            String digits = pattern.substring(5).strip();
            int port = digits.matches("[0-9]{1,5}") ? Integer.parseInt(digits) : -1;
            if (port < 1 || port > 65_535) {
                throw bad(part, "'" + digits + "' is not a port from 1 to 65535");
            }
            return new Rule(Kind.PORT, null, port, weight, "port:" + port + "=" + format(weight));
        }
        if (pattern.startsWith("*.")) {
            String domain = host(part, pattern.substring(2));
            return new Rule(Kind.SUFFIX, "." + domain, 0, weight, "*." + domain + "=" + format(weight));
        }
        String host = host(part, pattern);
        return new Rule(Kind.HOST, host, 0, weight, host + "=" + format(weight));
    }

    /** A name in the form {@link FlowInfo#host()} has: lower-case ASCII, no trailing dot; or an IP literal. */
    private static String host(String part, String pattern) {
        String h = pattern.startsWith("[") && pattern.endsWith("]") ? pattern.substring(1, pattern.length() - 1)
                : pattern;
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        boolean name = h.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*");
        boolean ipv6 = h.indexOf(':') >= 0 && h.matches("[0-9a-f:.]+");
        if (!name && !ipv6) {
            throw bad(part, "'" + pattern + "' is not a host name, *.DOMAIN, port:N or *");
        }
        return h;
    }

    private static double weight(String part, String text) {
        double w;
        try {
            w = text.matches("[0-9]+(\\.[0-9]+)?|\\.[0-9]+") ? Double.parseDouble(text) : Double.NaN;
        } catch (NumberFormatException e) {
            w = Double.NaN;
        }
        if (!(w >= MIN_WEIGHT && w <= MAX_WEIGHT)) {
            throw bad(part, "weight '" + text + "' is not a number from 0.01 to 100");
        }
        return w;
    }

    private static String format(double w) {
        return new BigDecimal(Double.toString(w)).stripTrailingZeros().toPlainString();
    }

    private static IllegalArgumentException bad(String part, String why) {
        return new IllegalArgumentException("invalid weight rule '" + part + "': " + why + "; " + SYNTAX);
    }
}
