package dev.fyntr.cli;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.Locale;
import java.util.Map;

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
}
