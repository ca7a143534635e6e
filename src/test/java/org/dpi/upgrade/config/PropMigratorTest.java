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
 * The fixture under src/test/resources/config/fixture against the outputs of prop_migrator's own
 * scripts run on the same trees (src/test/resources/config/expected). Rows are compared as multisets:
 * prop_migrator takes their order from Python sets.
 */
class PropMigratorTest {

  static final Path FIXTURE = Path.of("src/test/resources/config/fixture");
  static final Path EXPECTED = Path.of("src/test/resources/config/expected");

  @TempDir Path work;

  @Test
  void reproducesPropMigratorsCsvsAndRewritesExactly() throws IOException {
    Path latest = copy("latest");
    PropMigrator.Result result = PropMigrator.run(FIXTURE.resolve("old"), latest, KnowledgeBase.load(FIXTURE.resolve("kb")));
    result.write(work.resolve("out"));

    assertSameAsPropMigrator(work.resolve("out"));
    for (String file : List.of("app-default.properties", "registration-default.properties")) {
      assertThat(Files.readAllBytes(latest.resolve(file))).as(file).isEqualTo(Files.readAllBytes(EXPECTED.resolve("latest/" + file)));
    }
    assertThat(Files.readAllBytes(latest.resolve("brandnew-default.properties")))
        .isEqualTo(Files.readAllBytes(FIXTURE.resolve("latest/brandnew-default.properties")));
    assertThat(result.rewrites()).extracting(PropMigrator.Rewrite::key).containsExactly("a.changed.oldprio", "reg.max_age",
        "a.star.kept");
  }

  @Test
  void findingsNameWhatTheLineParseMissesAndWhatTheDecisionsBreak() throws IOException {
    Path latest = copy("latest");
    KnowledgeBase kb = KnowledgeBase.load(FIXTURE.resolve("kb"));
    List<Finding> before = Findings.beforeMigration(FIXTURE.resolve("old"), latest, kb);
    PropMigrator.Result result = PropMigrator.run(FIXTURE.resolve("old"), latest, kb);
    List<Finding> after = Findings.afterMigration(FIXTURE.resolve("old"), latest, kb, result);

    assertThat(before).filteredOn(f -> f.type() == Type.DUPLICATE_KEY).singleElement()
        .satisfies(f -> assertThat(f.key() + " " + f.side() + " " + f.detail()).isEqualTo("a.dup old defined on lines [8, 9]; the last one (line 9) wins"));
    assertThat(before).filteredOn(f -> f.type() == Type.PARSE_DIFFERS && f.side().equals("old")).extracting(Finding::key)
        .containsExactlyInAnyOrder("a.cont", "two.part", "a.spaced ", "a.escape", "a.trail", "! bang", "a.spaced", "a.colon");
    assertThat(before).filteredOn(f -> f.type() == Type.PARSE_DIFFERS && f.key().equals("a.escape")).first()
        .extracting(Finding::detail).asString().contains("[caf\\u00e9]").contains("[café]");
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
    assertThatThrownBy(() -> KnowledgeBase.load(kb)).hasMessageContaining(
        "old-value-takes-priority.csv must have the header columns [Property file name, key] (it has [File, key])")
        .hasMessageContaining("property-categories.csv is missing");
  }

  /** The four CSVs under {@code out} hold prop_migrator's rows for the fixture, in its CSV format. */
  static void assertSameAsPropMigrator(Path out) throws IOException {
    for (String csv : List.of("output/different_properties.csv", "output/old_file_only.csv", "output/latest_file_only.csv",
        "manual-configuration.csv")) {
      List<String> actual = Files.readAllLines(out.resolve(csv));
      List<String> expected = Files.readAllLines(EXPECTED.resolve(Path.of(csv).getFileName()));
      assertThat(actual.get(0)).as(csv + " header").isEqualTo(expected.get(0));
      assertThat(actual.subList(1, actual.size())).as(csv).containsExactlyInAnyOrderElementsOf(expected.subList(1, expected.size()));
    }
    assertThat(Files.readString(out.resolve("output/different_properties.csv"))).contains("\r\n")
        .contains("a.comma,\"x,\"\"y\"\"\",\"x,\"\"z\"\"\"");
  }

  private Path copy(String side) throws IOException {
    Path target = work.resolve(side);
    Files.createDirectories(target);
    try (var files = Files.list(FIXTURE.resolve(side))) {
      for (Path f : files.toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return target;
  }
}
