package org.dpi.upgrade.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox's cluster keeps its objects in a journal: what was answered is there after a restart, also after a kill. */
class FakeClusterJournalTest {

  @TempDir Path dir;

  @Test
  void everyAnsweredChangeIsThereAfterARestartAndATornLastLineIsIgnored() throws Exception {
    Path journal = dir.resolve("objects.jsonl");
    FakeCluster killed = FakeCluster.start(journal);
    var client = killed.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("config-server").endMetadata().build()).create();
    client.configMaps().inNamespace("config-server").resource(new ConfigMapBuilder().withNewMetadata().withName("global")
        .addToLabels("tier", "config").endMetadata().addToData("version", "1.2.0.1").build()).create();
    client.configMaps().inNamespace("config-server").withName("global")
        .edit(c -> new ConfigMapBuilder(c).addToData("version", "1.2.1.0").build());
    client.secrets().inNamespace("config-server").resource(new SecretBuilder().withNewMetadata().withName("s3").endMetadata()
        .addToStringData("key", "value").build()).create();
    client.secrets().inNamespace("config-server").withName("s3").delete();
    // no close: the server of the killed run is simply abandoned; a kill also cut the line it was writing
    Files.writeString(journal, "{\"put\": {\"apiVersion\": \"v1\", \"kind\": \"Con", StandardOpenOption.APPEND);

    try (FakeCluster restarted = FakeCluster.start(journal)) {
      var again = restarted.client();
      assertThat(again.namespaces().withName("config-server").get()).isNotNull();
      assertThat(again.configMaps().inNamespace("config-server").withLabel("tier", "config").list().getItems())
          .extracting(c -> c.getData().get("version")).containsExactly("1.2.1.0");
      assertThat(again.secrets().inNamespace("config-server").withName("s3").get()).isNull();
      again.configMaps().inNamespace("config-server").withName("global").delete();
    }
    try (FakeCluster compacted = FakeCluster.start(journal)) {
      assertThat(compacted.client().configMaps().inAnyNamespace().list().getItems()).isEmpty();
      assertThat(Files.readAllLines(journal)).hasSize(1);
    }
    killed.close();
  }
}
