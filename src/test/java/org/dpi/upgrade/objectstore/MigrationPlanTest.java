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
      manifest.record(new Manifest.Entry("a", 1, "m1", "s1", "t1"));
      manifest.record(new Manifest.Entry("b", 2, "m2", "s2", "t2"));
      manifest.record(new Manifest.Entry("a", 3, "m3", "s3", "t3"));
      manifest.remove("b");
    }
    Path file = Manifest.file(dir, "packets");
    Files.writeString(file, Files.readString(file) + "{\"key\":\"c\",\"si");
    try (Manifest reopened = Manifest.open(dir, "packets")) {
      assertThat(reopened.entries().keySet()).containsExactly("a");
      assertThat(reopened.get("a").md5()).isEqualTo("m3");
    }
    assertThat(Files.readAllLines(file)).as("compacted on opening").hasSize(1);
    Files.write(file, List.of("not json", "{\"key\":\"a\",\"size\":1}"));
    assertThatThrownBy(() -> Manifest.open(dir, "packets")).hasMessageContaining("line 1 is damaged");
  }
}
