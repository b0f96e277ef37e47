package dev.fyntr.transport.nio.internal.net;

import dev.fyntr.transport.nio.internal.net.HostNameSpellings.Label;
import dev.fyntr.transport.nio.internal.net.HostNameSpellings.Name;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Properties of the one host-name form (issue 13, part 2): the same name written differently always
 * canonicalises equal, different names never do, and whatever the text, the result is a valid name or a reason.
 */
class HostNamesPropertiesTest {

    private static final Pattern CANONICAL = Pattern.compile(
            "(?!.{254})[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");

    @Provide
    Arbitrary<Name> names() {
        return HostNameSpellings.names();
    }

    @Property
    void shouldCanonicaliseEverySpellingOfANameToTheSameForm(@ForAll("names") Name name, @ForAll long seed)
            throws Exception {
        Random r = new Random(seed);
        String first = HostNameSpellings.spell(name, r);
        String second = HostNameSpellings.spell(name, r);
        assertEquals(name.canonical(), HostNames.canonical(first), first);
        assertEquals(name.canonical(), HostNames.canonical(second), second);
        assertEquals(name.canonical(), HostNames.canonicalDomain("." + first), "." + first);
        assertEquals(name.canonical(), HostNames.canonical(HostNameSpellings.spellPlain(name, r)));
    }

    @Property
    void shouldKeepDifferentNamesApartHoweverTheyAreWritten(@ForAll("names") Name a, @ForAll("names") Name b,
                                                          @ForAll long seed) throws Exception {
        Assume.that(!a.canonical().equals(b.canonical()));
        Random r = new Random(seed);
        assertNotEquals(HostNames.canonical(HostNameSpellings.spell(a, r)),
                HostNames.canonical(HostNameSpellings.spell(b, r)));
    }

    /** Near misses: one edit to one label (a letter, a dot, a label more or less, another Unicode label). */
    @Property
    void shouldKeepNamesOneEditApart(@ForAll("names") Name a, @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        Name b = oneEdit(a, r);
        Assume.that(b != null && !a.canonical().equals(b.canonical()));
        String spelledA = HostNameSpellings.spell(a, r);
        String spelledB = HostNameSpellings.spell(b, r);
        assertNotEquals(HostNames.canonical(spelledA), HostNames.canonical(spelledB), spelledA + " vs " + spelledB);
    }

    @Provide
    Arbitrary<String> hostish() {
        // Characters that matter to host names, so that many inputs are accepted; any String in the next property.
        return Arbitraries.strings().withChars("aAzZ09-._xn\u3002\uff0e\uff61\uff21\uff41\uff10\uff0d"
                + "\u00fc\u00dc\u00df\u03c2\u200d\u00ad\u0308 :/@%*\u0000").ofMaxLength(80);
    }

    @Property(tries = 2000)
    void shouldReturnAValidFixedPointOrAReasonForAnyText(@ForAll("hostish") String text) {
        String canonical;
        try {
            canonical = HostNames.canonical(text);
        } catch (HostNames.InvalidHostNameException e) {
            assertTrue(!e.getMessage().isEmpty() && e.getMessage().chars().allMatch(c -> c >= 0x20 && c < 0x7F),
                    e.getMessage());
            return;
        }
        assertTrue(CANONICAL.matcher(canonical).matches(), canonical);
        try {
            assertEquals(canonical, HostNames.canonical(canonical));
            assertEquals(canonical, HostNames.canonical(canonical + "."));
            assertEquals(canonical, HostNames.canonicalDomain("." + canonical + "."));
        } catch (HostNames.InvalidHostNameException e) {
            throw new AssertionError("refused its own canonical form " + canonical + ": " + e.getMessage(), e);
        }
    }

    @Property
    void shouldReturnAValidFixedPointOrAReasonForAnyString(@ForAll String text) {
        shouldReturnAValidFixedPointOrAReasonForAnyText(text);
    }

    /** One edit of one label, or null when the edit does not apply to this name. */
    private static Name oneEdit(Name name, Random r) {
        List<Label> labels = new ArrayList<>(name.labels());
        int i = r.nextInt(labels.size());
        Label l = labels.get(i);
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        switch (r.nextInt(5)) {
            case 0 -> { // one character of an ASCII label changed
                if (l.idn() != null) {
                    List<HostNameSpellings.IdnLabel> others = new ArrayList<>(HostNameSpellings.IDN_LABELS);
                    others.remove(l.idn());
                    labels.set(i, new Label(null, others.get(r.nextInt(others.size()))));
                } else {
                    int at = r.nextInt(l.ascii().length());
                    char c = alphabet.charAt(r.nextInt(alphabet.length()));
                    String edited = l.ascii().substring(0, at) + c + l.ascii().substring(at + 1);
                    labels.set(i, new Label(edited, null));
                }
            }
            case 1 -> { // a character more
                String base = l.canonical();
                int at = r.nextInt(base.length() + 1);
                String edited = base.substring(0, at) + alphabet.charAt(r.nextInt(alphabet.length())) + base.substring(at);
                if (edited.length() > 63 || edited.startsWith("--", 2)) {
                    return null;
                }
                labels.set(i, new Label(edited, null));
            }
            case 2 -> { // a label fewer
                if (labels.size() == 1) {
                    return null;
                }
                labels.remove(i);
            }
            case 3 -> labels.add(i, new Label(String.valueOf(alphabet.charAt(r.nextInt(26))), null)); // a label more
            default -> { // a dot inside a label: two labels
                String base = l.canonical();
                if (base.length() < 2) {
                    return null;
                }
                int at = 1 + r.nextInt(base.length() - 1);
                String left = base.substring(0, at);
                String right = base.substring(at);
                if (left.endsWith("-") || right.startsWith("-")) {
                    return null;
                }
                labels.set(i, new Label(left, null));
                labels.add(i + 1, new Label(right, null));
            }
        }
        Name edited = new Name(labels);
        // An edit may make the name too long or a label invalid (e.g. 64 characters): then it is no name.
        return CANONICAL.matcher(edited.canonical()).matches() ? edited : null;
    }
}
