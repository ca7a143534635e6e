package org.dpi.upgrade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config steps against a bare repository on disk holding the fixture's two versions. */
class ConfigMigrationTest {

  static final String DECISIONS = ConfigFixture.DECISIONS;

  @TempDir Path dir;
  ConfigRemote remote;
  ConfigMigration migration;
  ConfigPlan plan;
  String oldHead;
  String newHead;

  @BeforeEach
  void setUp() throws Exception {
    remote = new ConfigRemote(dir.resolve("remote"));
    migration = new ConfigMigration(dir.resolve("work"), null);
    plan = plan(ConfigRemote.OLD, ConfigRemote.NEW, PropMigratorTest.FIXTURE.resolve("kb").toString());
    oldHead = remote.head(ConfigRemote.OLD);
    newHead = remote.head(ConfigRemote.NEW);
  }

  ConfigPlan plan(String oldBranch, String newBranch, String kb) {
    return ConfigFixture.plan(remote, oldBranch, newBranch, kb);
  }

  @Test
  void migrationPushesANewBranchWithPropMigratorsRewritesAndReportsEverything() throws Exception {
    Map<String, Object> variables = migration.migrate(plan, "run-1");

    String branch = remote.head("upgrade-1.2.1.0");
    assertThat(remote.commit(branch).getParent(0).name()).isEqualTo(newHead);
    assertThat(remote.head(ConfigRemote.OLD)).isEqualTo(oldHead);
    assertThat(remote.head(ConfigRemote.NEW)).isEqualTo(newHead);
    Map<String, String> files = remote.files(branch);
    assertThat(files.get("app-default.properties"))
        .isEqualTo(Files.readString(PropMigratorTest.EXPECTED.resolve("latest/app-default.properties")))
        .contains("# keep this comment\n");
    assertThat(files.get("registration-default.properties"))
        .isEqualTo(Files.readString(PropMigratorTest.EXPECTED.resolve("latest/registration-default.properties")));
    assertThat(files).containsKeys("new.mvel", "extra-default.properties").doesNotContainKey("old.xml");
    assertThat(remote.commit(branch).getFullMessage()).contains("app-default.properties a.changed.oldprio")
        .contains("registration-default.properties reg.max_age").contains("update-if-old-value-takes-priority: 6")
        .contains("KB_UNKNOWN_FILE: 1");

    Path out = dir.resolve("work/run-1/out");
    PropMigratorTest.assertSameAsPropMigrator(out);
    assertThat(Files.readString(out.resolve("findings.csv"))).contains("KB_UNKNOWN_FILE,knowledge base,registration-default.property");
    assertThat(Files.readString(out.resolve("non-properties.diff"))).contains("-MESSAGE_DELIVERY_TIMEOUT = 30.0")
        .contains("+MESSAGE_DELIVERY_TIMEOUT = 60.0").doesNotContain("schema.xsd");
    assertThat((String) variables.get("nonPropertiesDiffSummary")).contains("4 file(s) differ").contains("modify identity-mapping.json")
        .contains("modify websub-service.toml").contains("add new.mvel").contains("delete old.xml");
    assertThat((String) variables.get("configMigrationSummary")).contains("Rows to adjudicate: 13")
        .contains("registration-default.property: old-value-takes-priority.csv has 1 row(s)");
    assertThat((String) variables.get("adjudicationGroups"))
        .contains("app-default.properties | update-if-old-value-takes-priority: 4 row(s), rows 1-4")
        .contains("legacy-default.properties | copy-property-if-required-in-lts: 1 row(s), rows 9");
    assertThat((String) variables.get("configMigration")).contains("\"rows\":13").contains(branch);
  }

  @Test
  void aRetryStartsFromCleanCheckoutsAndFindsItsOwnBranch() throws Exception {
    migration.migrate(plan, "run-1");
    String first = remote.head("upgrade-1.2.1.0");
    String rows = Files.readString(dir.resolve("work/run-1/out/manual-configuration.csv"));

    migration.migrate(plan, "run-1");

    assertThat(remote.head("upgrade-1.2.1.0")).isEqualTo(first);
    assertThat(Files.readString(dir.resolve("work/run-1/out/manual-configuration.csv"))).isEqualTo(rows);
    PropMigratorTest.assertSameAsPropMigrator(dir.resolve("work/run-1/out"));
  }

  @Test
  void wrongRefsAndABrokenKnowledgeBaseAreOneErrorAndNothingIsPushed() throws Exception {
    ConfigPlan wrong = plan("v1.2.0.9", ConfigRemote.NEW, dir.resolve("no-kb").toString());
    assertThatThrownBy(() -> migration.migrate(wrong, "run-1")).hasMessageContaining("has no branch or tag 'v1.2.0.9'")
        .hasMessageContaining("The knowledge base directory").hasMessageStartingWith("The config migration cannot start");
    assertThat(remote.head("upgrade-1.2.1.0")).isNull();
    assertThatThrownBy(() -> plan(ConfigRemote.OLD, "upgrade-1.2.1.0", "kb")).hasMessageContaining("must differ from upgrade-1.2.1.0");
    assertThatThrownBy(() -> ConfigPlan.parse("{\"oldRepository\": {\"url\": \"https://si:tok3n@git.example.org/mosip-config.git\","
        + " \"branch\": \"v1\"}, \"migratedBranch\": \"up\", \"knowledgeBase\": \"kb\"}"))
        .hasMessageContaining("config.oldRepository.url carries credentials").hasMessageContaining("config.newRepository needs a url")
        .message().doesNotContain("tok3n");
  }

  @Test
  void theTokenIsUsedForGitButNeverReachesVariablesOrOutputs() throws Exception {
    var withToken = new ConfigMigration(dir.resolve("work"),
        new org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider("si", "tok3n-never-shown"));
    Map<String, Object> variables = withToken.migrate(plan, "run-1");
    assertThat(variables.values()).allSatisfy(v -> assertThat(v.toString()).doesNotContain("tok3n-never-shown"));
    try (var files = Files.walk(dir.resolve("work/run-1/out"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).doesNotContain("tok3n-never-shown");
      }
    }
  }

  @Test
  void aBranchThatIsNotThisMigrationIsNeverOverwritten() throws Exception {
    migration.migrate(plan, "run-1");
    migration.applyDecisions("run-1", DECISIONS);
    String applied = remote.head("upgrade-1.2.1.0");

    assertThatThrownBy(() -> migration.migrate(plan, "run-2")).hasMessageContaining("already exists")
        .hasMessageContaining("is not this migration");
    assertThat(remote.head("upgrade-1.2.1.0")).isEqualTo(applied);
  }

  @Test
  void decisionsAreCheckedThenCommittedOnTopOfTheMigration() throws Exception {
    migration.migrate(plan, "run-1");
    String migrated = remote.head("upgrade-1.2.1.0");

    assertThatThrownBy(() -> migration.applyDecisions("run-1", "row 10 = keep-old\nrow 2 = enter-value\nrow 99 = skip: x"))
        .hasMessageContaining("11 of 13 rows have no decision, e.g. row 1 (app-default.properties a.changed.manual)")
        .hasMessageContaining("'row 99' is neither a group nor a row number")
        .hasMessageContaining("row 10: keep-old is impossible").hasMessageContaining("'row 2': enter-value needs the value");
    assertThat(remote.head("upgrade-1.2.1.0")).isEqualTo(migrated);

    Map<String, Object> result = migration.applyDecisions("run-1", DECISIONS);

    String applied = remote.head("upgrade-1.2.1.0");
    assertThat(result.get("configAdjudicationCommit")).isEqualTo(applied);
    assertThat(remote.commit(applied).getParent(0).name()).isEqualTo(migrated);
    Map<String, String> files = remote.files(applied);
    assertThat(files.get("app-default.properties")).contains("a.changed.manual=old-manual\n").contains("two.part=3")
        .contains("# keep this comment\n").endsWith("a.removed.manual=y\n").doesNotContain("! bang");
    assertThat(files.get("registration-default.properties")).contains("reg.keep=75\n").contains("reg.misspelt=75\n");
    assertThat(files.get("legacy-default.properties")).isEqualTo("legacy.two=2\n");
    assertThat(files.get("brandnew-default.properties")).isEqualTo("brand.one=1\nbrand.two=22\n");
    assertThat(remote.commit(applied).getFullMessage()).contains("(13 rows)")
        .contains("app-default.properties ! bang: skip (removed upstream)");

    assertThat(migration.applyDecisions("run-1", DECISIONS)).isEqualTo(result);
    assertThat(remote.head("upgrade-1.2.1.0")).isEqualTo(applied);
  }

  @Test
  void theUndoDeletesOnlyTheMigrationBranch() throws Exception {
    migration.migrate(plan, "run-1");
    String branch = remote.head("upgrade-1.2.1.0");

    assertThat(migration.deleteBranch(plan)).containsEntry("configBranchDeleted", branch);

    assertThat(remote.head("upgrade-1.2.1.0")).isNull();
    assertThat(remote.head(ConfigRemote.OLD)).isEqualTo(oldHead);
    assertThat(remote.head(ConfigRemote.NEW)).isEqualTo(newHead);
    assertThat(migration.deleteBranch(plan)).containsEntry("configBranchDeleted", "absent");
  }
}
