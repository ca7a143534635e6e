package org.dpi.upgrade.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad upgrade.csv is rejected as a whole, each problem named, before anything runs. */
class UpgradeCsvTest {

  @TempDir Path dir;

  @Test
  void theFixtureChainIsValid() throws Exception {
    Fixture fixture = new Fixture(dir);
    UpgradeCsv csv = UpgradeCsv.load(fixture.csv(), fixture.scripts(), Fixture.DATABASES);
    assertThat(csv.rows()).extracting(UpgradeCsv.Row::key).containsExactly("mosip_kernel 1.2.0.1 -> 1.2.0.2",
        "mosip_kernel 1.2.0.2 -> 1.3.0", "mosip_otp 1.2.0.1 -> 1.2.1.0", "mosip_audit 1.2.0.1 -> 1.2.1.0", "mosip_ida 1.2.0.1 -> 1.2.1.0");
    assertThat(csv.databases()).containsExactly("mosip_kernel", "mosip_otp", "mosip_audit", "mosip_ida");
    assertThat(UpgradeCsv.load(fixture.defectsCsv(), fixture.scripts(), Fixture.DEFECT_DATABASES).rows()).hasSize(9);
  }

  @Test
  void everyProblemIsListedWithItsLine() throws Exception {
    Fixture fixture = new Fixture(dir);
    Files.delete(fixture.script("mosip_otp/sql/1.2.0.1_to_1.2.1.0_rollback.sql"));
    Files.writeString(fixture.csv(), String.join("\n",
        "mosip_kernel,1.2.0.1,1.2.0.2,upgrade",
        "mosip_kernel,1.2.0.2,1.3.0",
        "mosip_kernel,1.2.0.3,1.3.0,upgrade",
        "mosip_kernel,1.2.0.1,1.2.0.2,upgrade",
        "mosip_otp,1.2.0.1,1.2.1.0,upgrade",
        "mosip_audit,1.2.0.1,1.2.1.0,migrate",
        "mosip_hotlist,1.2.0.1,1.2.1.0,upgrade",
        "mosip_kernel,1.3.0,1.2.0.2,rollback",
        "Mosip-Ida,,1.2.1.0,upgrade",
        ""));
    InvalidUpgradeCsvException e = catchThrowableOfType(InvalidUpgradeCsvException.class,
        () -> UpgradeCsv.load(fixture.csv(), fixture.scripts(), Fixture.DATABASES));
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "CSV row 2: expected 4 fields (db_name,from_version,to_version,action), found 3",
        "CSV row 6, column 4 (action): neither upgrade nor rollback",
        "CSV row 9, column 1 (db_name): not a lower-case identifier",
        "CSV row 9, column 2 (from_version): empty or not a version (letters, digits, '.', '_', '-')",
        "CSV row 3: script missing: mosip_kernel/sql/1.2.0.3_to_1.3.0_upgrade.sql",
        "CSV row 3: rollback script missing (needed to undo it): mosip_kernel/sql/1.2.0.3_to_1.3.0_rollback.sql",
        "CSV row 5: rollback script missing (needed to undo it): mosip_otp/sql/1.2.0.1_to_1.2.1.0_rollback.sql",
        "CSV row 7: script missing: mosip_hotlist/sql/1.2.0.1_to_1.2.1.0_upgrade.sql",
        "CSV row 7: rollback script missing (needed to undo it): mosip_hotlist/sql/1.2.0.1_to_1.2.1.0_rollback.sql",
        "CSV row 8: script missing: mosip_kernel/sql/1.3.0_to_1.2.0.2_rollback.sql",
        "CSV row 3, column 2 (from_version): not the to_version of CSV row 1, the previous row of the same database: the chain has a gap",
        "CSV row 4: duplicate of CSV row 1",
        "CSV row 8: mixes upgrade and rollback rows of one database (CSV row 3)",
        "CSV row 7, column 1 (db_name): not among the plan's postgres.databases, so it has no backup");
    assertThat(e.getMessage()).startsWith("14 problem(s) in " + fixture.csv() + ", nothing was executed:")
        .doesNotContain("Mosip-Ida").doesNotContain("migrate").doesNotContain("mosip_kernel,1.2.0.2");
  }

  @Test
  void aMissingFileOrRootOrAnEmptyCsvIsRefused() throws Exception {
    Files.writeString(dir.resolve("empty.csv"), "\n");
    assertThat(catchThrowableOfType(InvalidUpgradeCsvException.class,
        () -> UpgradeCsv.load(dir.resolve("empty.csv"), dir, List.of())).problems()).containsExactly("upgrade.csv has no rows");
    assertThat(catchThrowableOfType(InvalidUpgradeCsvException.class,
        () -> UpgradeCsv.load(dir.resolve("none.csv"), dir.resolve("none"), List.of())).problems())
        .containsExactly("upgrade.csv not found: " + dir.resolve("none.csv"), "scripts root is not a directory: " + dir.resolve("none"));
  }

  @Test
  void rollbackRowsChainBackwards() throws Exception {
    Fixture fixture = new Fixture(dir);
    Files.writeString(fixture.csv(), "mosip_kernel,1.2.0.2,1.3.0,rollback\nmosip_kernel,1.2.0.1,1.2.0.2,rollback\n");
    assertThat(UpgradeCsv.load(fixture.csv(), fixture.scripts(), Fixture.DATABASES).rows()).hasSize(2);
    Files.writeString(fixture.csv(), "mosip_kernel,1.2.0.1,1.2.0.2,rollback\nmosip_kernel,1.2.0.2,1.3.0,rollback\n");
    assertThat(catchThrowableOfType(InvalidUpgradeCsvException.class,
        () -> UpgradeCsv.load(fixture.csv(), fixture.scripts(), Fixture.DATABASES)).problems())
        .containsExactly("CSV row 2, column 3 (to_version): not the from_version of CSV row 1, the previous rollback row of the same "
            + "database: the chain has a gap");
  }
}
