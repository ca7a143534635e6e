package org.dpi.upgrade.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.dpi.upgrade.config.Findings.Finding;
import org.dpi.upgrade.config.Findings.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fixture under src/test/resources/config/fixture against the outputs of the released prop_migrator
 * scripts run on the same trees (src/test/resources/config/expected, see its README). Rows are compared
 * as multisets: prop_migrator takes their order from Python sets.
 */
class PropMigratorTest {

  static final Path FIXTURE = Path.of("src/test/resources/config/fixture");
  static final Path EXPECTED = Path.of("src/test/resources/config/expected");

  @TempDir Path work;

  static ConfigVersion version(String side) {
    return ConfigVersion.read(side, FIXTURE.resolve(side));
  }

  @Test
  void reproducesTheReleasedPropMigratorsCsvsAndRewritesExactly() throws IOException {
    ConfigVersion latest = version("latest");
    PropMigrator.Result result = PropMigrator.run(version("old"), latest, KnowledgeBase.load(FIXTURE.resolve("kb")));
    result.write(work.resolve("out"));

    assertSameAsPropMigrator(work.resolve("out"));
    assertThat(result.rewritten().keySet()).containsExactlyInAnyOrder("app-default.properties", "registration-default.properties");
    for (var rewritten : result.rewritten().entrySet()) {
      assertThat(rewritten.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8)).as(rewritten.getKey())
          .isEqualTo(Files.readAllBytes(EXPECTED.resolve("latest/" + rewritten.getKey())));
    }
    assertThat(latest.text("app-default.properties")).as("the version read stays as fetched")
        .isEqualTo(Files.readString(FIXTURE.resolve("latest/app-default.properties")));
    // duplicate knowledge-base rows count once; a rule on a key written 'key = v' in the latest file rewrites nothing
    assertThat(result.rewrites()).extracting(PropMigrator.Rewrite::key, PropMigrator.Rewrite::lines).containsExactly(
        org.assertj.core.groups.Tuple.tuple("a.changed.oldprio", 1), org.assertj.core.groups.Tuple.tuple("reg.max_age", 1),
        org.assertj.core.groups.Tuple.tuple("a.star.kept", 1), org.assertj.core.groups.Tuple.tuple("s.keep", 1),
        org.assertj.core.groups.Tuple.tuple("s.latestspaced", 0));
  }

  @Test
  void keysAndValuesAreStrippedAsTheReleasedScriptsDo() {
    PropMigrator.Result result = PropMigrator.run(version("old"), version("latest"), KnowledgeBase.load(FIXTURE.resolve("kb")));
    // 's.spaced = same' (old) and 's.spaced=same' (latest) are one key with one value: no row at all
    assertThat(result.different()).extracting(PropMigrator.Different::key).doesNotContain("s.spaced", "s.lead", "a.trail")
        .contains("a.spaced", "s.keep");
    assertThat(result.oldOnly()).extracting(PropMigrator.OneSide::key).doesNotContain("s.spaced", "s.spaced ");
    assertThat(result.latestOnly()).extracting(PropMigrator.OneSide::key, PropMigrator.OneSide::value)
        .contains(org.assertj.core.groups.Tuple.tuple("s.newlead", "fresh"));
    // the old value of an old-value-takes-priority key written 's.keep = kept-old' is kept in the pushed file
    assertThat(result.rewritten().get("app-default.properties")).contains("\ns.keep=kept-old\n")
        .contains("\ns.latestspaced = new-ls\n");
  }

  @Test
  void findingsNameWhatTheLineParseMissesAndWhatTheDecisionsBreak() throws IOException {
    ConfigVersion old = version("old");
    ConfigVersion latest = version("latest");
    KnowledgeBase kb = KnowledgeBase.load(FIXTURE.resolve("kb"));
    List<Finding> before = Findings.beforeMigration(old, latest, kb);
    PropMigrator.Result result = PropMigrator.run(old, latest, kb);
    List<Finding> after = Findings.afterMigration(old, latest.with(result.rewritten()), kb, result);

    assertThat(before).filteredOn(f -> f.type() == Type.DUPLICATE_KEY).singleElement()
        .satisfies(f -> assertThat(f.key() + " " + f.side() + " " + f.lines() + " " + f.detail())
            .isEqualTo("a.dup old [8, 9] defined 2 times; prop_migrator and the config server take the last one (line 9)"));
    assertThat(before).filteredOn(f -> f.type() == Type.PARSE_DIFFERS && f.side().equals("old")).extracting(Finding::key)
        .containsExactlyInAnyOrder("a.cont", "two.part", "a.escape", "! bang", "a.colon");
    assertThat(before).filteredOn(f -> f.type() == Type.PARSE_DIFFERS && f.key().equals("a.escape")).first()
        .extracting(Finding::lines).isEqualTo(List.of(14));
    assertThat(before).allSatisfy(f -> assertThat(f.detail()).doesNotContain("café", "old-manual", "kept-old"));
    assertThat(before).filteredOn(f -> f.type() == Type.WHITESPACE).extracting(Finding::side, Finding::key)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("old", "a.trail"));
    assertThat(before).filteredOn(f -> f.type() == Type.KB_UNKNOWN_FILE).singleElement().satisfies(f -> {
      assertThat(f.file()).isEqualTo("registration-default.property");
      assertThat(f.detail()).contains("old-value-takes-priority.csv has 1 row(s)").contains("did you mean registration-default.properties?");
    });
    assertThat(before).filteredOn(f -> f.type() == Type.UNMAPPED_FILE).extracting(Finding::file)
        .containsExactly("extra-default.properties");

    assertThat(after).filteredOn(f -> f.type() == Type.MAPPING_FILE_MISSING).extracting(Finding::side, Finding::file)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("latest", "legacy-default.properties"),
            org.assertj.core.groups.Tuple.tuple("old", "brandnew-default.properties"));
    assertThat(after).filteredOn(f -> f.type() == Type.STAR_PROFILE).extracting(Finding::side, Finding::key)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("latest", "a.star.kept"));
    assertThat(after).filteredOn(f -> f.type() == Type.PLACEHOLDER).extracting(Finding::key)
        .containsExactlyInAnyOrder("a.changed.oldprio", "a.placeholder");
    assertThat(after).filteredOn(f -> f.type() == Type.OLD_VALUE_NOT_KEPT).singleElement()
        .satisfies(f -> assertThat(f.key() + " " + f.lines()).isEqualTo("s.latestspaced [23]"));
    assertThat(after).filteredOn(f -> f.type() == Type.REFUSED_BY_CONFIG_SERVER).isEmpty();
  }

  @Test
  void aKnowledgeBaseWithWrongHeadersIsRejectedWithEveryProblem() throws IOException {
    Path kb = work.resolve("kb");
    Files.createDirectories(kb);
    try (var files = Files.list(FIXTURE.resolve("kb"))) {
      for (Path f : files.toList()) {
        Files.copy(f, kb.resolve(f.getFileName()));
      }
    }
    Files.writeString(kb.resolve("old-value-takes-priority.csv"), "File,key\nx,y\n");
    Files.delete(kb.resolve("property-categories.csv"));
    Files.writeString(kb.resolve("intentionally-removed-in-lts.csv"), "Property file name,key\na,b\nc,\"d\n");
    assertThatThrownBy(() -> KnowledgeBase.load(kb)).hasMessageContaining(
        "old-value-takes-priority.csv must have the header columns [Property file name, key] in its first row")
        .hasMessageContaining("property-categories.csv is missing")
        .hasMessageContaining("intentionally-removed-in-lts.csv: the quote opened at row 3, column 2 is never closed");
  }

  /**
   * The four CSVs under {@code out} hold prop_migrator's rows for the fixture, in its CSV format (the
   * scripts' manual-configuration.csv header lacks the Property Category its rows have; ours names it).
   */
  static void assertSameAsPropMigrator(Path out) throws IOException {
    for (String csv : List.of("output/different_properties.csv", "output/old_file_only.csv", "output/latest_file_only.csv",
        "manual-configuration.csv")) {
      List<String> actual = Files.readAllLines(out.resolve(csv));
      List<String> expected = Files.readAllLines(EXPECTED.resolve(Path.of(csv).getFileName()));
      assertThat(actual.get(0)).as(csv + " header")
          .isEqualTo(expected.get(0).replace("Latest Value,Configuration Action", "Latest Value,Property Category,Configuration Action"));
      assertThat(actual.subList(1, actual.size())).as(csv).containsExactlyInAnyOrderElementsOf(expected.subList(1, expected.size()));
    }
    assertThat(Files.readString(out.resolve("output/different_properties.csv"))).contains("\r\n")
        .contains("a.comma,\"x,\"\"y\"\"\",\"x,\"\"z\"\"\"");
  }

}
