package org.halley.gateway;

import java.util.List;

/** A config reload: what it changed, what needs a restart, or why nothing changed. */
final class ConfigReload {
    private ConfigReload() {}

    /**
     * @param ok whether the new config was taken (else nothing changed)
     * @param applied what changed now
     * @param needsRestart keys whose change only a restart applies (they keep their old values)
     * @param errors why the file was refused (file:line:column: field: what is wrong)
     */
    record Result(boolean ok, List<String> applied, List<String> needsRestart, List<String> errors) {
        static Result unsupported(String why) {
            return new Result(false, List.of(), List.of(), List.of("reload (" + why + ") is not available"));
        }
    }
}
