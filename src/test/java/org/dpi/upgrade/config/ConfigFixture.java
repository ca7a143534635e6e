package org.dpi.upgrade.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * For process tests outside this package: a real {@code config.migrate} of the test fixture, whose
 * variables let the adjudication guard check {@link #DECISIONS}, a complete set of decisions.
 */
public final class ConfigFixture {

  /** A decision for each of the fixture's 13 manual rows. */
  public static final String DECISIONS = """
      app-default.properties | update-if-old-value-takes-priority = take-latest
      row 1 = keep-old
      registration-default.properties | update-if-old-value-takes-priority = enter-value: 75
      app-default.properties | copy-property-if-required-in-lts = skip: removed upstream
      row 7 = keep-old
      legacy-default.properties | copy-property-if-required-in-lts = keep-old
      app-default.properties | update-if-value-needs-change = take-latest
      registration-default.properties | update-if-value-needs-change = take-latest
      brandnew-default.properties | update-if-value-needs-change = enter-value: 22
      """;

  private ConfigFixture() { }

  /** Creates a bare remote with the fixture's two versions under {@code dir} and migrates it as run {@code run}. */
  public static Map<String, Object> migrate(Path dir, String run) throws Exception {
    ConfigRemote remote = new ConfigRemote(dir.resolve("remote"));
    ConfigPlan plan = plan(remote, ConfigRemote.OLD, ConfigRemote.NEW, PropMigratorTest.FIXTURE.resolve("kb").toAbsolutePath().toString());
    return new ConfigMigration(dir.resolve("work"), null).migrate(plan, run);
  }

  /** The plan's config section for {@code remote}, migrating to branch upgrade-1.2.1.0. */
  static ConfigPlan plan(ConfigRemote remote, String oldBranch, String newBranch, String kb) {
    return ConfigPlan.parse(Map.of("oldRepository", Map.of("url", remote.url, "branch", oldBranch),
        "newRepository", Map.of("url", remote.url, "branch", newBranch), "migratedBranch", "upgrade-1.2.1.0",
        "knowledgeBase", kb));
  }
}
