package dev.fyntr.transport.nio.internal.net;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Test data for the host-name properties: names as sequences of labels with a known canonical form, and the
 * many ways a client, a list or a feed may write the same name. The canonical form is worked out here without
 * {@link HostNames} or {@link java.net.IDN}: ASCII labels in lower case joined with dots, and for Unicode labels
 * the A-label of {@link #IDN_LABELS}, a table of published pairs (IANA's IDN test domains and common examples).
 */
public final class HostNameSpellings {

    /** A Unicode label in lower case and its A-label. */
    public record IdnLabel(String unicode, String ascii) {
    }

    public static final List<IdnLabel> IDN_LABELS = List.of(
            new IdnLabel("b\u00fccher", "xn--bcher-kva"),
            new IdnLabel("m\u00fcnchen", "xn--mnchen-3ya"),
            new IdnLabel("ma\u00f1ana", "xn--maana-pta"),
            new IdnLabel("caf\u00e9", "xn--caf-dma"),
            new IdnLabel("\u00fc", "xn--tda"),
            new IdnLabel("\u043f\u0440\u0438\u043c\u0435\u0440", "xn--e1afmkfd"),
            new IdnLabel("\u0438\u0441\u043f\u044b\u0442\u0430\u043d\u0438\u0435", "xn--80akhbyknj4f"),
            new IdnLabel("\u03b4\u03bf\u03ba\u03b9\u03bc\u03ae", "xn--jxalpdlp"),
            new IdnLabel("\u6d4b\u8bd5", "xn--0zwm56d"),
            new IdnLabel("\u4f8b\u3048", "xn--r8jz45g"),
            new IdnLabel("\u30c6\u30b9\u30c8", "xn--zckzah"),
            new IdnLabel("\uc2e4\ub840", "xn--9n2bp8q"),
            new IdnLabel("\ud14c\uc2a4\ud2b8", "xn--9t4b11yi5a"));

    /** The label separators of IDNA2003: the full stop, the ideographic, full-width and half-width ones. */
    static final String DOTS = ".\u3002\uff0e\uff61";

    private HostNameSpellings() {
    }

    /** One label of a name: ASCII ({@code idn == null}) or a Unicode label of the table. */
    public record Label(String ascii, IdnLabel idn) {
        public String canonical() {
            return idn != null ? idn.ascii() : ascii;
        }
    }

    /** A host name as labels; two names are the same name exactly when their labels are equal. */
    public record Name(List<Label> labels) {
        public Name {
            labels = List.copyOf(labels);
        }

        /** The canonical form, worked out from the labels alone. */
        public String canonical() {
            StringBuilder sb = new StringBuilder();
            for (Label l : labels) {
                sb.append(sb.length() == 0 ? "" : ".").append(l.canonical());
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return canonical();
        }
    }

    /**
     * ASCII labels of {@code [a-z0-9-]}, 1-63 long, not starting or ending with '-', and never with "--" at
     * positions 3-4 (the reserved {@code xn--} form: such a label could equal a table entry's A-label).
     */
    public static Arbitrary<String> asciiLabels() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-").ofMinLength(1)
                .ofMaxLength(HostNames.MAX_LABEL_LENGTH).withLengthDistribution(RandomDistribution.biased())
                .map(HostNameSpellings::validLabel);
    }

    /** A top-level label: starts with a letter, so the name never looks numeric. */
    public static Arbitrary<String> topLabels() {
        return Combinators.combine(asciiLabels(), Arbitraries.chars().range('a', 'z'))
                .as((l, c) -> Character.isLetter(l.charAt(0)) ? l : c + l.substring(1));
    }

    /** Names of 1-5 labels, some of them Unicode, at most 253 characters in canonical form. */
    public static Arbitrary<Name> names() {
        Arbitrary<Label> unicode = Arbitraries.of(IDN_LABELS).map(i -> new Label(null, i));
        Arbitrary<Label> label = Arbitraries.frequencyOf(List.of(
                Tuple.of(3, asciiLabels().map(a -> new Label(a, null))), Tuple.of(1, unicode)));
        Arbitrary<Label> top = Arbitraries.frequencyOf(List.of(
                Tuple.of(3, topLabels().map(a -> new Label(a, null))), Tuple.of(1, unicode)));
        return Combinators.combine(label.list().ofMaxSize(4), top).as((front, t) -> {
            List<Label> all = new ArrayList<>(front);
            all.add(t);
            return new Name(all);
        }).filter(n -> n.canonical().length() <= HostNames.MAX_NAME_LENGTH);
    }

    /** Makes a label of {@code [a-z0-9-]} valid: no '-' at either end, no "--" at positions 3-4. */
    private static String validLabel(String l) {
        char[] c = l.toCharArray();
        if (c[0] == '-') {
            c[0] = 'a';
        }
        if (c[c.length - 1] == '-') {
            c[c.length - 1] = 'z';
        }
        if (c.length >= 4 && c[2] == '-' && c[3] == '-') {
            c[3] = '0';
        }
        return new String(c);
    }

    /**
     * One way of writing the name: each ASCII letter in either case or full width, digits and '-' maybe full
     * width, Unicode labels as U-label (either case, composed or decomposed) or as A-label (either case, maybe full
     * width), labels separated by any IDNA2003 dot, and maybe one trailing dot.
     */
    public static String spell(Name name, Random r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.labels().size(); i++) {
            if (i > 0) {
                sb.append(dot(r));
            }
            Label l = name.labels().get(i);
            if (l.idn() == null) {
                sb.append(spellAscii(l.ascii(), r));
            } else if (r.nextBoolean()) {
                String u = r.nextBoolean() ? l.idn().unicode() : l.idn().unicode().toUpperCase(Locale.ROOT);
                sb.append(r.nextBoolean() ? u : Normalizer.normalize(u, Normalizer.Form.NFD));
            } else {
                sb.append(spellAscii(l.idn().ascii(), r));
            }
        }
        if (r.nextInt(3) == 0) {
            sb.append(dot(r));
        }
        return sb.toString();
    }

    /** The name as plain ASCII with random case: what an ASCII-only client sends. */
    public static String spellPlain(Name name, Random r) {
        return randomCase(name.canonical(), r);
    }

    static String randomCase(String s, Random r) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 'a' && c <= 'z' && r.nextBoolean() ? (char) (c - 'a' + 'A') : c);
        }
        return sb.toString();
    }

    private static String spellAscii(String label, Random r) {
        boolean wide = r.nextInt(4) == 0;
        StringBuilder sb = new StringBuilder(label.length());
        for (int i = 0; i < label.length(); i++) {
            char c = label.charAt(i);
            if (c >= 'a' && c <= 'z' && r.nextBoolean()) {
                c = (char) (c - 'a' + 'A');
            }
            sb.append(wide && r.nextBoolean() ? fullWidth(c) : c);
        }
        return sb.toString();
    }

    /** The full-width form of an ASCII letter, digit or '-' (U+FF01 + (c - '!')). */
    static char fullWidth(char c) {
        return (char) (0xFF01 + (c - '!'));
    }

    private static char dot(Random r) {
        return r.nextInt(2) == 0 ? '.' : DOTS.charAt(r.nextInt(DOTS.length()));
    }
}
