package dev.fyntr.cli;

import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.List;

/** Renders the option list of {@code --help} in the sections of {@link FyntrCommand#GROUPS}. */
final class HelpLayout {

    private HelpLayout() {
    }

    /** Replaces picocli's flat option list with the grouped one. */
    static void install(CommandLine commandLine) {
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST_HEADING,
                help -> "");
        commandLine.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_OPTION_LIST,
                HelpLayout::groupedOptions);
    }

    private static String groupedOptions(Help help) {
        CommandSpec spec = help.commandSpec();
        StringBuilder out = new StringBuilder();
        for (List<String> group : FyntrCommand.GROUPS) {
            List<OptionSpec> options = new ArrayList<>();
            for (String name : group.subList(1, group.size())) {
                OptionSpec option = spec.findOption(name);
                if (option == null) {
                    throw new IllegalStateException("help group lists an unknown option " + name);
                }
                options.add(option);
            }
            out.append(String.format("%n%s:%n", group.get(0)));
            out.append(help.optionListExcludingGroups(options));
        }
        return out.toString();
    }
}
