package io.tollgate;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/** Module boundaries: no cycles, and no module reaches into another's internals. */
class ModularityTest {
    private final ApplicationModules modules = ApplicationModules.of(TollgateApplication.class);

    @Test
    void modulesRespectTheirBoundaries() {
        modules.verify();
        assertThat(modules.stream().map(m -> m.getIdentifier().toString()))
                .contains("platform", "organizations", "apps", "keys", "operators", "audit", "identity", "metering", "analytics", "demo", "limits", "content", "media", "console", "webhooks", "catalog", "oauth");
    }

    @Test
    void writesModuleDiagrams() {
        new Documenter(modules).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
    }
}
