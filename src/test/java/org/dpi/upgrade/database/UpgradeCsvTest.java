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
        "mosip_kernel 1.2.0.2 -> 1.3.0", "mosip_otp 1.2.0.1 -> 1.2.1.0", "mosip_audit 1.2.0.1 -> 1.2.1.0");
    assertThat(csv.databases()).containsExactly("mosip_kernel", "mosip_otp", "mosip_audit");
  }

  /** Given a file that is not an upgrade.csv (a secrets file, /etc/passwd), nothing of its content is repeated. */
  @Test
  void aFileThatIsNotAnUpgradeCsvIsDescribedWithoutItsContent() throws Exception {
    Fixture fixture = new Fixture(dir);
    Files.writeString(fixture.csv(), "ORCHESTRATOR_ADMIN_PASSWORD=s3cret-admin\nPGPASSWORD=s3cret,pg,x,y\n"
        + "root:x:0:0:root:/root:/bin/bash\n");
    InvalidUpgradeCsvException e = catchThrowableOfType(InvalidUpgradeCsvException.class,
        () -> UpgradeCsv.load(fixture.csv(), fixture.scripts(), Fixture.DATABASES));
    assertThat(e.getMessage()).doesNotContain("s3cret").doesNotContain("root").doesNotContain("bash");
    assertThat(e.problems()).containsExactly(
        "line 1: expected 4 fields db_name,from_version,to_version,action, found 1",
        "line 2: field 1 (db_name) is not a lower-case identifier",
        "line 2: field 4 (action) must be upgrade or rollback",
        "line 3: expected 4 fields db_name,from_version,to_version,action, found 1");
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
        "mosip_pms,1.2.0.1,1.2.1.0,upgrade",
        "mosip_kernel,1.3.0,1.2.0.2,rollback",
        "Mosip-Ida,,1.2.1.0,upgrade",
        ""));
    InvalidUpgradeCsvException e = catchThrowableOfType(InvalidUpgradeCsvException.class,
        () -> UpgradeCsv.load(fixture.csv(), fixture.scripts(), Fixture.DATABASES));
    assertThat(e.problems()).containsExactlyInAnyOrder(
        "line 2: expected 4 fields db_name,from_version,to_version,action, found 3",
        "line 6: field 4 (action) must be upgrade or rollback",
        "line 9: field 1 (db_name) is not a lower-case identifier",
        "line 9: field 2 (from_version) must be a non-empty version (letters, digits, '.', '_', '-')",
        "line 3: script missing: mosip_kernel/sql/1.2.0.3_to_1.3.0_upgrade.sql",
        "line 3: rollback script missing (needed to undo it): mosip_kernel/sql/1.2.0.3_to_1.3.0_rollback.sql",
        "line 5: rollback script missing (needed to undo it): mosip_otp/sql/1.2.0.1_to_1.2.1.0_rollback.sql",
        "line 7: script missing: mosip_pms/sql/1.2.0.1_to_1.2.1.0_upgrade.sql",
        "line 7: rollback script missing (needed to undo it): mosip_pms/sql/1.2.0.1_to_1.2.1.0_rollback.sql",
        "line 8: script missing: mosip_kernel/sql/1.3.0_to_1.2.0.2_rollback.sql",
        "line 3: gap in the chain of mosip_kernel: line 1 ends at 1.2.0.2 but this row starts at 1.2.0.3",
        "line 4: duplicate row mosip_kernel 1.2.0.1 -> 1.2.0.2 upgrade",
        "line 8: mosip_kernel mixes upgrade and rollback rows (line 3)",
        "database mosip_pms is not in the plan's postgres.databases, so it has no backup");
    assertThat(e.getMessage()).startsWith("14 problem(s) in " + fixture.csv() + ", nothing was executed:");
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
        .containsExactly("line 2: gap in the rollback chain of mosip_kernel: line 1 goes back to 1.2.0.1 but this row rolls back from 1.3.0");
  }
}
