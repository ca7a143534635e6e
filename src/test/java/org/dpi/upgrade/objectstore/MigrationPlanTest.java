package org.dpi.upgrade.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationPlanTest {

  @Test
  void readsTheSectionOfThePlan() {
    MigrationPlan all = MigrationPlan.parse("{\"buckets\":\"all\",\"deleteRemoved\":false}");
    assertThat(all.allBuckets()).isTrue();
    assertThat(all.verifyContent()).isTrue();
    MigrationPlan listed = MigrationPlan.parse("{\"buckets\":[\"packets\",\"photos\"],\"deleteRemoved\":true,\"verifyContent\":false}");
    assertThat(listed.buckets()).containsExactly("packets", "photos");
    assertThat(listed.deleteRemoved()).isTrue();
    assertThat(listed.verifyContent()).isFalse();
  }

  @Test
  void oneErrorListsEveryProblem() {
    assertThatThrownBy(() -> MigrationPlan.parse("{\"buckets\":[\"ok-name\",\"Bad_Name\"],\"deleteRemoved\":\"yes\"}"))
        .hasMessage("The plan's objectstore section is wrong: objectstore.buckets has \"Bad_Name\", which is not an S3"
            + " bucket name; objectstore.deleteRemoved must be true or false, not \"yes\"");
    assertThatThrownBy(() -> MigrationPlan.parse(null)).hasMessageStartingWith("The plan has no objectstore section");
  }

  @Test
  void aManifestLineCutByACrashIsIgnoredAndTheLastLineOfAKeyWins(@TempDir Path dir) throws Exception {
    try (Manifest manifest = Manifest.open(dir, "packets")) {
      manifest.record(entry("a", "m1"));
      manifest.record(entry("b", "m2"));
      manifest.record(entry("a", "m3"));
      manifest.remove("b");
    }
    Path file = Manifest.file(dir, "packets");
    Files.writeString(file, Files.readString(file) + "{\"key\":\"c\",\"si");
    try (Manifest reopened = Manifest.open(dir, "packets")) {
      assertThat(reopened.entries().keySet()).containsExactly("a");
      assertThat(reopened.get("a").md5()).isEqualTo("m3");
    }
    assertThat(Files.readAllLines(file)).as("compacted on opening").hasSize(1);
    Files.write(file, List.of("{\"key\":\"a\",\"size\":1,\"md5\":\"m\",\"sourceEtag\":\"s\",\"targetEtag\":\"t\"}"));
    try (Manifest older = Manifest.open(dir, "packets")) {
      assertThat(older.get("a")).as("a line of the earlier format: metadata unknown, so checked again")
          .isEqualTo(new Manifest.Entry("a", 1, "m", null, "s", 0, "t", 0, null));
    }
    Files.write(file, List.of("not json", "{\"key\":\"a\",\"size\":1}"));
    assertThatThrownBy(() -> Manifest.open(dir, "packets")).hasMessageContaining("line 1 is damaged");
  }

  @Test
  void anyKeySurvivesTheManifest(@TempDir Path dir) throws Exception {
    String key = "quote \" back\\slash\nnew line\ttab \u0001 ü 日本 \u2028";
    try (Manifest manifest = Manifest.open(dir, "packets")) {
      manifest.record(entry(key, "m"));
    }
    assertThat(Manifest.read(Manifest.file(dir, "packets")).entries()).containsOnlyKeys(key)
        .containsValue(entry(key, "m"));
  }

  @Test
  void uploadsStayOpenUntilTheirObjectIsRecordedOrTheyAreAborted(@TempDir Path dir) throws Exception {
    try (Manifest manifest = Manifest.open(dir, "packets")) {
      manifest.uploadStarted("big", "u1");
      manifest.uploadStarted("other", "u2");
      manifest.uploadCompleting("u1", entry("big", "m-3"));
      manifest.uploadStarted("third", "u3");
      manifest.uploadAborted("third", "u3");
    }
    try (Manifest reopened = Manifest.open(dir, "packets")) {
      assertThat(reopened.openUploads()).containsExactlyInAnyOrder(new Manifest.Upload("big", "u1", entry("big", "m-3")),
          new Manifest.Upload("other", "u2", null));
      reopened.record(entry("big", "m-3"));
      assertThat(reopened.openUploads()).extracting(Manifest.Upload::id).containsExactly("u2");
    }
    assertThat(Manifest.buckets(dir)).containsExactly("packets");
  }

  static Manifest.Entry entry(String key, String md5) {
    return new Manifest.Entry(key, 3, md5, null, "s", 1700000000, "t", 1700000001, "meta");
  }
}
