package dev.fyntr.transport.nio.internal.net;

import java.net.IDN;
import java.text.Normalizer;

/**
 * The one canonical form of a DNS host name (docs/policy-and-errors.md#host-names). Every place that reads a
 * name calls {@link #canonical}: the CONNECT target ({@link ConnectTarget}), the SOCKS5 domain address, the
 * builder's {@code allowDomains}, the policy's allow-domain matching and the threat-feed parser. So a list and the
 * request it judges always meet in one form, and two texts are the same host exactly when their canonical forms
 * are equal. Pure functions, any thread.
 *
 * <p>The canonical form, in this order:
 * <ol>
 * <li>A name with non-ASCII characters is converted to ASCII with IDNA2003 ({@link IDN#toASCII}, no unassigned
 *     code points): Unicode labels become {@code xn--} labels, case is folded, compatibility forms are normalised
 *     (full-width {@code ＥＸＡＭＰＬＥ} is {@code example}) and the ideographic and full-width dots
 *     ({@code 。．｡}) separate labels like {@code .}.</li>
 * <li>Four characters that IDNA2003 and IDNA2008 (UTS #46, as browsers use it) turn into different names are
 *     refused: {@code ß} (U+00DF), final sigma {@code ς} (U+03C2), ZERO WIDTH JOINER and NON-JOINER (U+200D,
 *     U+200C). IDNA2003 makes {@code straße.de} {@code strasse.de}, a browser {@code xn--strae-oqa.de}; a list
 *     entry written one way would silently miss a request made the other way. The ASCII form is accepted.</li>
 * <li>ASCII letters become lower case; at most one trailing dot (the DNS root) is removed.</li>
 * <li>Each label is 1-63 characters of {@code a-z 0-9 -} and neither starts nor ends with {@code -}; the whole
 *     name is 1-253 characters. An ASCII {@code xn--} label is taken as written (lower-cased), as a resolver
 *     would send it: it is not decoded, so IDNA2008 names work in their ASCII form.</li>
 * </ol>
 * Numeric-looking names ({@code 127.1}, {@code 0x7f000001}) are valid canonical names; whether to refuse them is
 * the caller's decision ({@link #looksNumeric}), because the front ends answer them with their own codes.
 */
public final class HostNames {

    /** The longest name, without the trailing dot (RFC 1035: 255 octets on the wire). */
    public static final int MAX_NAME_LENGTH = 253;
    /** The longest label. */
    public static final int MAX_LABEL_LENGTH = 63;

    /** What IDNA2003 reads as a dot between labels: the full stop, the ideographic, full-width and half-width one. */
    private static final String LABEL_SEPARATORS = ".\u3002\uFF0E\uFF61";

    /** The characters IDNA2003 and UTS #46 non-transitional processing map differently, and their names. */
    private static final String DEVIATIONS = "\u00DF\u03C2\u200D\u200C";
    private static final String[] DEVIATION_NAMES = {"sharp s (U+00DF)", "final sigma (U+03C2)",
        "ZERO WIDTH JOINER (U+200D)", "ZERO WIDTH NON-JOINER (U+200C)"};

    private HostNames() {
    }

    /**
     * Why a text is not a host name. The message is a short reason in printable ASCII that reads after "bad
     * host:", e.g. {@code the host has an empty label}; any quoted input in it is escaped. It carries no stack
     * trace: a threat feed may hold many such lines.
     */
    public static final class InvalidHostNameException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidHostNameException(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The canonical form of a host name: ASCII, lower case, without the trailing dot.
     *
     * @param name as written, e.g. {@code Bücher.DE.}; not stripped of surrounding blanks (a blank is an error)
     * @throws InvalidHostNameException with the reason when it is not a host name
     */
    public static String canonical(String name) throws InvalidHostNameException {
        if (name == null || name.isEmpty()) {
            throw new InvalidHostNameException("the host is empty");
        }
        String s = name;
        if (!isAscii(s)) {
            refuseDeviations(s);
            try {
                s = IDN.toASCII(s); // IDNA2003, without unassigned code points
            } catch (IllegalArgumentException e) {
                throw new InvalidHostNameException("the host is not a valid internationalized domain name");
            }
        }
        s = lowerCaseAscii(s);
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1); // the root: the same name
        }
        if (s.isEmpty()) {
            throw new InvalidHostNameException("the host is empty");
        }
        if (s.length() > MAX_NAME_LENGTH) {
            throw new InvalidHostNameException("the host name is longer than " + MAX_NAME_LENGTH + " characters");
        }
        int start = 0;
        while (true) {
            int dot = s.indexOf('.', start);
            int end = dot < 0 ? s.length() : dot;
            checkLabel(s, start, end);
            if (dot < 0) {
                return s;
            }
            start = dot + 1;
        }
    }

    /**
     * The canonical form of a domain in a list (allow-domains, threat feeds), which stands for the domain and
     * every name under it: as {@link #canonical}, after at most one leading dot ({@code .example.com}, the
     * {@code NO_PROXY} habit; any of the IDNA2003 dots) is removed. Wildcards are not patterns here: {@code *.example.com} is refused.
     *
     * @throws InvalidHostNameException with the reason when it is not a domain
     */
    public static String canonicalDomain(String pattern) throws InvalidHostNameException {
        if (pattern != null && !pattern.isEmpty() && LABEL_SEPARATORS.indexOf(pattern.charAt(0)) >= 0) {
            return canonical(pattern.substring(1));
        }
        return canonical(pattern);
    }

    /**
     * Whether a resolver could read a canonical name as an IPv4 address: its last label is all digits, or
     * {@code 0x} followed by hex digits (the WHATWG URL "ends in a number" rule). No top-level domain is numeric,
     * so such names are refused (or, for a strict dotted quad, read as the address) by whoever takes requests.
     *
     * @param canonicalName a result of {@link #canonical}
     */
    public static boolean looksNumeric(String canonicalName) {
        int from = canonicalName.lastIndexOf('.') + 1;
        int n = canonicalName.length();
        if (from == n) {
            return false;
        }
        if (allDigits(canonicalName, from, n)) {
            return true;
        }
        if (n - from < 2 || canonicalName.charAt(from) != '0' || canonicalName.charAt(from + 1) != 'x') {
            return false;
        }
        for (int i = from + 2; i < n; i++) {
            if (!isHexDigit(canonicalName.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether every character is ASCII (below U+0080). */
    public static boolean isAscii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** An ASCII decimal digit, {@code 0-9}: never another script's digit (SPEC: parsing is strict ASCII). */
    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** An ASCII hex digit, {@code 0-9 a-f A-F}. */
    public static boolean isHexDigit(char c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** Whether {@code s[from..to)} is non-empty and all ASCII digits. */
    public static boolean allDigits(CharSequence s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void refuseDeviations(String s) throws InvalidHostNameException {
        String folded = Normalizer.normalize(s, Normalizer.Form.NFKC);
        for (int i = 0; i < DEVIATIONS.length(); i++) {
            char c = DEVIATIONS.charAt(i);
            if (s.indexOf(c) >= 0 || folded.indexOf(c) >= 0) {
                throw new InvalidHostNameException("the host contains " + DEVIATION_NAMES[i] + ", which IDNA2003"
                        + " and IDNA2008 turn into different names; write the name in its ASCII (xn--) form");
            }
        }
    }

    private static String lowerCaseAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (chars[j] >= 'A' && chars[j] <= 'Z') {
                        chars[j] = (char) (chars[j] + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return s;
    }

    private static void checkLabel(String name, int start, int end) throws InvalidHostNameException {
        int length = end - start;
        if (length == 0) {
            throw new InvalidHostNameException("the host has an empty label");
        }
        String label = name.substring(start, end);
        if (length > MAX_LABEL_LENGTH) {
            throw new InvalidHostNameException("the label " + LogSafe.quote(label, 20) + " is longer than "
                    + MAX_LABEL_LENGTH + " characters");
        }
        for (int i = start; i < end; i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || isDigit(c) || c == '-')) {
                throw new InvalidHostNameException("the label " + LogSafe.quote(label, 70)
                        + " may only contain letters, digits and '-'");
            }
        }
        if (name.charAt(start) == '-' || name.charAt(end - 1) == '-') {
            throw new InvalidHostNameException("the label " + LogSafe.quote(label, 70) + " starts or ends with '-'");
        }
    }
}
