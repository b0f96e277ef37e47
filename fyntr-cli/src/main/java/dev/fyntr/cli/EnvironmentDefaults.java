package dev.fyntr.cli;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Takes option defaults from {@code FYNTR_<NAME>} variables of an environment map, which is the real process
 * environment in production and a plain map in tests. picocli asks only for options that are not on the command
 * line, so a flag wins over its variable, and it runs the option's converter on what is returned, so a variable is
 * checked exactly as the flag would be. An empty variable counts as unset (as container tools often leave them).
 *
 * <p>Switches (options without a value) are not served here: picocli treats a default of {@code true} on a switch
 * as "the flag toggles it off", which is not what {@code FYNTR_DRY_RUN=1} means. {@link FyntrCli} reads their
 * variables after parsing instead.
 */
final class EnvironmentDefaults implements IDefaultValueProvider {

    /**
     * {@code FYNTR_*} variables that launchers read, not the command: they have no flag. A launcher that reads a new
     * one adds it here, so that the command does not warn about it. Every flag's variable is known already (derived
     * from the options).
     */
    static final Set<String> LAUNCHER_VARIABLES = Set.of("FYNTR_JAVA_OPTS");

    private final Map<String, String> env;

    EnvironmentDefaults(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** {@code --max-connections} → {@code FYNTR_MAX_CONNECTIONS}. */
    static String variableName(OptionSpec option) {
        String name = option.longestName();
        int start = 0;
        while (start < name.length() && name.charAt(start) == '-') {
            start++;
        }
        return "FYNTR_" + name.substring(start).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** Whether an option is a switch, i.e. takes no value. */
    static boolean isSwitch(OptionSpec option) {
        return option.arity().max() == 0;
    }

    /** Whether an option has a variable at all: every option but --help and --version. */
    static boolean hasVariable(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp();
    }

    /** The variable's value, or {@code null} when it is unset or empty. */
    String lookup(OptionSpec option) {
        String value = env.get(variableName(option));
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec) || !hasVariable((OptionSpec) argSpec) || isSwitch((OptionSpec) argSpec)) {
            return null;
        }
        return lookup((OptionSpec) argSpec);
    }

    /**
     * One warning per {@code FYNTR_*} variable of {@code env} that is neither an option's nor a launcher's, with the
     * nearest known name when one is close (a typo such as {@code FYNTR_PORTT}): such a variable is ignored, and
     * silence would hide the mistake.
     */
    static List<String> unknownVariables(Map<String, String> env, picocli.CommandLine commandLine) {
        TreeSet<String> known = new TreeSet<>(LAUNCHER_VARIABLES);
        for (OptionSpec option : commandLine.getCommandSpec().options()) {
            if (hasVariable(option)) {
                known.add(variableName(option));
            }
        }
        List<String> warnings = new ArrayList<>();
        for (String name : new TreeSet<>(env.keySet())) {
            if (!name.startsWith("FYNTR_") || known.contains(name)) {
                continue;
            }
            String nearest = null;
            int best = Integer.MAX_VALUE;
            for (String candidate : known) {
                int d = distance(name, candidate);
                if (d < best) {
                    best = d;
                    nearest = candidate;
                }
            }
            boolean close = nearest != null && best <= Math.max(2, nearest.length() / 4);
            warnings.add(name + " is not a fyntr variable and is ignored" + (close ? "; did you mean " + nearest + "?"
                    : "; see fyntr --help for the FYNTR_<OPTION> variables"));
        }
        return warnings;
    }

    /** Levenshtein distance; the names are short, so the plain O(n·m) table is fine. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
