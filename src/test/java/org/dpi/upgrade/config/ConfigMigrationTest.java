package org.dpi.upgrade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config steps against a bare repository on disk holding the fixture's two versions. */
class ConfigMigrationTest {

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
    Map<String, String> latest = remote.files(newHead);
    assertThat(files).as("only the rewritten files differ from 1.2.1.0").hasSameSizeAs(latest);
    files.forEach((path, text) -> assertThat(text.equals(latest.get(path)))
        .as(path).isEqualTo(!List.of("app-default.properties", "registration-default.properties").contains(path)));
    assertThat(remote.commit(branch).getFullMessage()).contains("app-default.properties a.changed.oldprio")
        .contains("registration-default.properties reg.max_age").contains("app-default.properties s.keep")
        .contains("the old value is kept (4)").contains("update-if-old-value-takes-priority: 6")
        .contains("KB_UNKNOWN_FILE: 1").contains("OLD_VALUE_NOT_KEPT: 1");

    Path run = dir.resolve("work/run-1");
    try (Stream<Path> entries = Files.list(run)) {
      assertThat(entries.map(p -> p.getFileName().toString())).as("no working tree, only the run's records")
          .containsExactlyInAnyOrder("repo.git", "out", "state.json");
    }
    PropMigratorTest.assertSameAsPropMigrator(run.resolve("out"));
    assertThat(Files.readString(run.resolve("out/findings.csv"))).contains("KB_UNKNOWN_FILE,knowledge base,registration-default.property")
        .contains("OLD_VALUE_NOT_KEPT,latest,app-default.properties,23,s.latestspaced");
    assertThat(Files.readString(run.resolve("out/non-properties.diff"))).contains("-MESSAGE_DELIVERY_TIMEOUT = 30.0")
        .contains("+MESSAGE_DELIVERY_TIMEOUT = 60.0").doesNotContain("schema.xsd");
    assertThat((String) variables.get("nonPropertiesDiffSummary")).contains("4 file(s) differ").contains("modify identity-mapping.json")
        .contains("modify websub-service.toml").contains("add new.mvel").contains("delete old.xml");
    assertThat((String) variables.get("configMigrationSummary")).contains("Rows to adjudicate: 15")
        .contains("old-value-not-kept: 1").contains("registration-default.property: old-value-takes-priority.csv has 1 row(s)")
        .contains("Branch upgrade-1.2.1.0 pushed at").doesNotContain("NOT PUSHED");
    assertThat((String) variables.get("configMigration")).contains("\"rows\":15").contains(branch).contains("\"pushed\":true");
    assertThat(variables.get("adjudicationPage")).isEqualTo("/config-adjudication/run-1");
    assertThat(variables.values()).allSatisfy(v -> assertThat(v.toString()).doesNotContain("old-manual", "kept-old"));
  }

  @Test
  void aRetryStartsFromTheFetchedCommitsAndFindsItsOwnBranch() throws Exception {
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
  void aFileThatIsNotUtf8StopsTheRunBeforeAnythingIsWrittenAndThePreviousOutputsStay() throws Exception {
    migration.migrate(plan, "run-1");
    Map<String, byte[]> before = snapshot(dir.resolve("work/run-1"));
    String branch = remote.head("upgrade-1.2.1.0");
    byte[] latin1 = "# Application defaults\na.same=1\na.name=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    remote.update(ConfigRemote.NEW, Map.of("app-default.properties", latin1));

    assertThatThrownBy(() -> migration.migrate(plan, "run-1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("The config migration cannot start: latest app-default.properties is not UTF-8 text at line 3,"
            + " column 11. Neither prop_migrator nor the migration can compare such files: convert them to UTF-8 on their"
            + " branch and retry.");

    assertThat(snapshot(dir.resolve("work/run-1"))).as("outputs and state of the previous run")
        .containsExactlyInAnyOrderEntriesOf(before);
    assertThat(remote.head("upgrade-1.2.1.0")).isEqualTo(branch);
  }

  @Test
  void placesTheConfigServerRefusesHoldThePushUntilFixedOrAccepted() throws Exception {
    String app = Files.readString(PropMigratorTest.FIXTURE.resolve("latest/app-default.properties"));
    remote.update(ConfigRemote.NEW, Map.of("app-default.properties", (app + "\nbad.escape=caf\\uZZe9\nconflict=1\n"
        + "conflict=2\n").getBytes(StandardCharsets.UTF_8)));

    Map<String, Object> variables = migration.migrate(plan, "run-1");

    assertThat(remote.head("upgrade-1.2.1.0")).as("nothing pushed").isNull();
    assertThat((String) variables.get("configMigrationSummary")).contains("NOT PUSHED: 2 place(s) the config server would"
        + " refuse").contains("refused-by-config-server: 2");
    assertThat((String) variables.get("configMigration")).contains("\"pushed\":false");
    assertThat(Files.readString(dir.resolve("work/run-1/out/findings.csv")))
        .contains("REFUSED_BY_CONFIG_SERVER,latest,app-default.properties,25,bad.escape,\"line 25, column 15: malformed"
            + " \\uXXXX escape (the config server stops with \"\"Malformed \\uxxxx encoding.\"\")\"")
        .contains("REFUSED_BY_CONFIG_SERVER,latest,app-default.properties,26 27,conflict,\"defined 2 times with different"
            + " values (lines [26, 27]): the config server silently takes the last one\"");
    ConfigMigration.Review review = migration.review("run-1");
    assertThat(review.adjudication().rows).filteredOn(r -> r.action().equals(Adjudication.REFUSED))
        .extracting(Adjudication.Row::key, Adjudication.Row::latestValue)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("bad.escape", "bad.escape=caf\\uZZe9"),
            org.assertj.core.groups.Tuple.tuple("conflict", "conflict=1\nconflict=2"));

    Map<String, String[]> decisions = ConfigFixture.decisions(review.adjudication());
    decisions.put(Adjudication.REFUSED + "|app-default.properties|bad.escape", new String[] {Adjudication.ACCEPT, "later"});
    decisions.put(Adjudication.REFUSED + "|app-default.properties|conflict", new String[] {Adjudication.ENTER_VALUE, "2"});
    review.decisions().save(decisions, "reviewer-1");

    migration.applyDecisions("run-1");

    String pushed = remote.files(remote.head("upgrade-1.2.1.0")).get("app-default.properties");
    assertThat(pushed).as("the accepted place as it was, the conflict fixed")
        .contains("\nbad.escape=caf\\uZZe9\nconflict=2\na.removed.manual=y\n").doesNotContain("conflict=1");
  }

  @Test
  void aFixedPlaceIsPushedWithBothCommits() throws Exception {
    String app = Files.readString(PropMigratorTest.FIXTURE.resolve("latest/app-default.properties"));
    remote.update(ConfigRemote.NEW, Map.of("app-default.properties", (app + "\nbad.escape=caf\\uZZe9\nconflict=1\n"
        + "conflict=2\n").getBytes(StandardCharsets.UTF_8)));
    migration.migrate(plan, "run-1");
    ConfigMigration.Review review = migration.review("run-1");
    Map<String, String[]> decisions = ConfigFixture.decisions(review.adjudication());
    decisions.put(Adjudication.REFUSED + "|app-default.properties|bad.escape", new String[] {Adjudication.ENTER_VALUE,
        "caf\\u00e9"});
    decisions.put(Adjudication.REFUSED + "|app-default.properties|conflict", new String[] {Adjudication.ACCEPT,
        "both are read by the same service, the last one is meant"});
    review.decisions().save(decisions, "reviewer-1");

    Map<String, Object> result = migration.applyDecisions("run-1");

    String applied = remote.head("upgrade-1.2.1.0");
    assertThat(result.get("configAdjudicationCommit")).isEqualTo(applied);
    assertThat(remote.commit(remote.commit(applied).getParent(0).name()).getParent(0).name()).isEqualTo(remote.head(ConfigRemote.NEW));
    String pushed = remote.files(applied).get("app-default.properties");
    assertThat(pushed).contains("\nbad.escape=caf\\u00e9\nconflict=1\nconflict=2\n").doesNotContain("ZZ");
    assertThat(remote.commit(applied).getFullMessage()).contains("app-default.properties conflict: accept (both are read")
        .contains("app-default.properties bad.escape: enter-value (lines 25 replaced) [reviewer-1]");
  }

  @Test
  void aDecisionThatWouldBringBackARefusedPlaceIsRefused() throws Exception {
    Adjudication.Row row = new Adjudication.Row(3, "app-default.properties", "k", "caf\\u00g9", "x", "N/A",
        PropMigrator.UPDATE_IF_OLD_VALUE_TAKES_PRIORITY, List.of());
    assertThat(Adjudication.problem(row, Adjudication.KEEP_OLD, "")).isEqualTo("Row 3 (app-default.properties k): the old"
        + " value has a malformed \\uXXXX escape at character 4, which the config server refuses: enter a corrected value.");
    assertThat(Adjudication.problem(row, Adjudication.ENTER_VALUE, "caf\\u00e9")).isNull();
    assertThat(Adjudication.problem(row, Adjudication.ENTER_VALUE, "two\nlines")).contains("must be one line");
    assertThat(Adjudication.problem(row, Adjudication.SKIP, " ")).isEqualTo("Row 3 (app-default.properties k): skip needs a reason.");
    assertThat(Adjudication.problem(row, Adjudication.ACCEPT, "x")).contains("cannot be decided 'accept'");
  }

  @Test
  void theTokenIsUsedForGitButNeverReachesVariablesOrOutputs() throws Exception {
    var withToken = new ConfigMigration(dir.resolve("work"),
        new org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider("si", "tok3n-never-shown"));
    Map<String, Object> variables = withToken.migrate(plan, "run-1");
    assertThat(variables.values()).allSatisfy(v -> assertThat(v.toString()).doesNotContain("tok3n-never-shown"));
    snapshot(dir.resolve("work/run-1")).forEach((path, bytes) ->
        assertThat(new String(bytes, StandardCharsets.ISO_8859_1)).as(path).doesNotContain("tok3n-never-shown"));
  }

  @Test
  void aBranchThatIsNotThisMigrationIsNeverOverwritten() throws Exception {
    migration.migrate(plan, "run-1");
    ConfigFixture.decideAll(migration, "run-1");
    migration.applyDecisions("run-1");
    String applied = remote.head("upgrade-1.2.1.0");

    assertThatThrownBy(() -> migration.migrate(plan, "run-2")).hasMessageContaining("already exists")
        .hasMessageContaining("is not this migration");
    assertThat(remote.head("upgrade-1.2.1.0")).isEqualTo(applied);
  }

  @Test
  void decisionsAreCheckedThenCommittedOnTopOfTheMigration() throws Exception {
    migration.migrate(plan, "run-1");
    String migrated = remote.head("upgrade-1.2.1.0");
    ConfigMigration.Review review = migration.review("run-1");
    review.decisions().save(Map.of(review.adjudication().rows.get(0).id(), new String[] {Adjudication.TAKE_LATEST, ""}),
        "reviewer-1");

    assertThatThrownBy(() -> migration.applyDecisions("run-1"))
        .hasMessage("1 of 15 rows are decided: decide the other 14 on the adjudication page first.");
    assertThat(remote.head("upgrade-1.2.1.0")).isEqualTo(migrated);

    ConfigFixture.decideAll(migration, "run-1");
    Map<String, Object> result = migration.applyDecisions("run-1");

    String applied = remote.head("upgrade-1.2.1.0");
    assertThat(result.get("configAdjudicationCommit")).isEqualTo(applied);
    assertThat(remote.commit(applied).getParent(0).name()).isEqualTo(migrated);
    Map<String, String> files = remote.files(applied);
    assertThat(files.get("app-default.properties")).contains("a.changed.manual=old-manual\n").contains("two.part=3")
        .contains("# keep this comment\n").contains("\ns.latestspaced=old-ls\n").endsWith("a.removed.manual=y\n")
        .doesNotContain("! bang");
    assertThat(files.get("registration-default.properties")).contains("reg.keep=75\n").contains("reg.misspelt=75\n");
    assertThat(files.get("legacy-default.properties")).isEqualTo("legacy.two=2\n");
    assertThat(files.get("brandnew-default.properties")).isEqualTo("brand.one=1\nbrand.two=22\n");
    assertThat(remote.commit(applied).getFullMessage()).contains("(15 rows)")
        .contains("app-default.properties ! bang: skip (removed upstream) [fixture-reviewer]");

    assertThat(migration.applyDecisions("run-1")).isEqualTo(result);
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

  /** Path to content of every file under {@code root} except the bare repository's. */
  static Map<String, byte[]> snapshot(Path root) throws Exception {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f : walk.filter(Files::isRegularFile).filter(f -> !f.startsWith(root.resolve(ConfigMigration.REPO))).toList()) {
        files.put(root.relativize(f).toString(), Files.readAllBytes(f));
      }
    }
    return files;
  }
}
