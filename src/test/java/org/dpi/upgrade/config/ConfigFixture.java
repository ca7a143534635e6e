package org.dpi.upgrade.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * For process tests outside this package: a real {@code config.migrate} of the test fixture, with a
 * decision recorded for every row of its review, so that the adjudication guard lets the task complete.
 */
public final class ConfigFixture {

  /** The user the fixture's decisions are recorded for. */
  public static final String REVIEWER = "fixture-reviewer";

  private ConfigFixture() { }

  /**
   * Creates a bare remote with the fixture's two versions under {@code dir}, migrates it as run
   * {@code run} and decides every row of the review ({@link #decisions}). Returns the step's variables.
   */
  public static Map<String, Object> migrate(Path dir, String run) throws Exception {
    ConfigRemote remote = new ConfigRemote(dir.resolve("remote"));
    ConfigMigration migration = new ConfigMigration(dir.resolve("work"), null);
    Map<String, Object> variables = migration.migrate(plan(remote, ConfigRemote.OLD, ConfigRemote.NEW,
        PropMigratorTest.FIXTURE.resolve("kb").toAbsolutePath().toString()), run);
    decideAll(migration, run);
    return variables;
  }

  /** Records {@link #decisions} for every row of the run's review. */
  static void decideAll(ConfigMigration migration, String run) throws Exception {
    ConfigMigration.Review review = migration.review(run);
    review.decisions().save(decisions(review.adjudication()), REVIEWER);
  }

  /**
   * A decision for each row of the fixture's review: its old value for a.changed.manual, the removed
   * a.removed.manual and legacy.two and the not-rewritten s.latestspaced; 75 for the registration rows;
   * 22 for brand.two; skip for '! bang'; the latest value elsewhere.
   */
  static Map<String, String[]> decisions(Adjudication adjudication) {
    Map<String, String[]> decisions = new LinkedHashMap<>();
    for (Adjudication.Row row : adjudication.rows) {
      String[] decision = switch (row.key()) {
        case "a.changed.manual", "a.removed.manual", "legacy.two", "s.latestspaced" -> new String[] {Adjudication.KEEP_OLD, ""};
        case "reg.keep", "reg.misspelt" -> new String[] {Adjudication.ENTER_VALUE, "75"};
        case "brand.two" -> new String[] {Adjudication.ENTER_VALUE, "22"};
        case "! bang" -> new String[] {Adjudication.SKIP, "removed upstream"};
        default -> new String[] {Adjudication.TAKE_LATEST, ""};
      };
      decisions.put(row.id(), decision);
    }
    return decisions;
  }

  /** The plan's config section for {@code remote}, migrating to branch upgrade-1.2.1.0. */
  static ConfigPlan plan(ConfigRemote remote, String oldBranch, String newBranch, String kb) {
    return ConfigPlan.parse(Map.of("oldRepository", Map.of("url", remote.url, "branch", oldBranch),
        "newRepository", Map.of("url", remote.url, "branch", newBranch), "migratedBranch", "upgrade-1.2.1.0",
        "knowledgeBase", kb));
  }
}
