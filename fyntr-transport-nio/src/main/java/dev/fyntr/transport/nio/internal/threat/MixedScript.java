package dev.fyntr.transport.nio.internal.threat;

import java.lang.Character.UnicodeScript;
import java.net.IDN;

/**
 * Spots the classic homograph trick, a label that mixes Latin letters with Cyrillic or Greek ones
 * ({@code pаypal} with a Cyrillic {@code а}). Only labels in Punycode ({@code xn--}) can hold such letters,
 * so ordinary names cost one {@code indexOf}. Pure functions, any thread. Whole-script look-alikes (a label
 * entirely in Cyrillic) are not flagged: they are legitimate names far more often than attacks.
 */
final class MixedScript {

    private MixedScript() {
    }

    /** A mixed-script label in its Punycode form, and the scripts it mixes ({@code Latin+Cyrillic}). */
    record Finding(String label, String scripts) {
    }

    /** The first mixed-script label of an ASCII host, or {@code null} if there is none. */
    static Finding firstMixedLabel(String asciiHost) {
        if (!asciiHost.contains("xn--")) {
            return null;
        }
        int start = 0;
        while (start <= asciiHost.length()) {
            int dot = asciiHost.indexOf('.', start);
            int end = dot < 0 ? asciiHost.length() : dot;
            if (asciiHost.startsWith("xn--", start)) {
                String label = asciiHost.substring(start, end);
                String scripts = mixedScripts(label);
                if (scripts != null) {
                    return new Finding(label, scripts);
                }
            }
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        return null;
    }

    /** "Latin+Cyrillic", "Latin+Greek", "Latin+Cyrillic+Greek", or null. */
    private static String mixedScripts(String punycodeLabel) {
        String unicode;
        try {
            unicode = IDN.toUnicode(punycodeLabel);
        } catch (IllegalArgumentException e) {
            return null;
        }
        boolean latin = false;
        boolean cyrillic = false;
        boolean greek = false;
        for (int i = 0; i < unicode.length(); ) {
            int cp = unicode.codePointAt(i);
            i += Character.charCount(cp);
            UnicodeScript script = UnicodeScript.of(cp);
            latin |= script == UnicodeScript.LATIN;
            cyrillic |= script == UnicodeScript.CYRILLIC;
            greek |= script == UnicodeScript.GREEK;
        }
        if (!latin || !(cyrillic || greek)) {
            return null;
        }
        return "Latin" + (cyrillic ? "+Cyrillic" : "") + (greek ? "+Greek" : "");
    }
}
