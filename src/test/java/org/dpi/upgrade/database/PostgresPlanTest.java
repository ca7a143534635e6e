package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A plan that only backs up and restores (the Identity Service's) needs no upgrade.csv; the chain's steps do. */
class PostgresPlanTest {

  @Test
  void aBackupOnlyPlanIsValidAndTheChainStepsNameWhatIsMissing() {
    PostgresPlan plan = PostgresPlan.of(Map.of("databases", List.of("keycloak"), "backup", Map.of("directory", "/b"),
        "onRollbackMismatch", "restore"));
    assertThat(plan.backupDirectory()).hasToString("/b");
    assertThatThrownBy(plan::csvPath).hasMessage(
        "postgres.upgradeCsv is missing in the plan: this step runs the upgrade.csv chain; nothing was done");
    assertThatThrownBy(plan::scriptsPath).hasMessageStartingWith("postgres.scriptsRoot is missing in the plan");
  }

  @Test
  void everyOtherProblemIsStillListed() {
    assertThatThrownBy(() -> PostgresPlan.of(Map.of("databases", List.of("Key-Cloak"), "onRollbackMismatch", "hope")))
        .hasMessageContaining("3 problem(s)")
        .hasMessageContaining("'Key-Cloak' is not a lower-case identifier")
        .hasMessageContaining("postgres.backup.directory is missing")
        .hasMessageContaining("onRollbackMismatch must be restore or ask-dba, not hope");
  }
}
