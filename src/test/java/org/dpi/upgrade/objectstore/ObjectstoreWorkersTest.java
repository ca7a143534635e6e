package org.dpi.upgrade.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricVariableUpdate;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.dpi.upgrade.testing.S3Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The two workers in the application, through its external-task client, on a process with the
 * BPMN's inputs ({@code objectstore} as Spin JSON, {@code mode}) and two real S3 servers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:objectstore-workers;DB_CLOSE_DELAY=-1", "orchestrator.demo-users=false",
        "camunda.bpm.client.async-response-timeout=500", "orchestrator.objectstore.parallelism=4", "orchestrator.workers=objectstore"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ObjectstoreWorkersTest {

  static final String SOURCE_SECRET = "source-secret-7c1e";
  static final String TARGET_SECRET = "target-secret-93ab";
  static final Path DIR = temporaryDirectory();
  static S3Server old;
  static S3Server fresh;

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) throws Exception {
    old = S3Server.start(DIR.resolve("old"), "source-key", SOURCE_SECRET);
    fresh = S3Server.start(DIR.resolve("new"), "target-key", TARGET_SECRET);
    try (ServerSocket socket = new ServerSocket(0)) {
      int port = socket.getLocalPort();
      registry.add("server.port", () -> port);
    }
    registry.add("orchestrator.objectstore.source.endpoint", old::endpoint);
    registry.add("orchestrator.objectstore.source.access-key", () -> "source-key");
    registry.add("orchestrator.objectstore.source.secret-key", () -> SOURCE_SECRET);
    registry.add("orchestrator.objectstore.target.endpoint", fresh::endpoint);
    registry.add("orchestrator.objectstore.target.access-key", () -> "target-key");
    registry.add("orchestrator.objectstore.target.secret-key", () -> TARGET_SECRET);
    registry.add("orchestrator.objectstore.state-directory", () -> DIR.resolve("state").toString());
  }

  @Autowired ProcessEngine engine;

  @BeforeAll
  static void deploy(@Autowired ProcessEngine engine) {
    engine.getRepositoryService().createDeployment().addModelInstance("objectstore-steps.bpmn",
        Bpmn.createExecutableProcess("objectstore-steps").camundaHistoryTimeToLive(1).startEvent()
            .serviceTask("Task_PrecopyObjects").camundaExternalTask("objectstore.migrate")
            .camundaInputParameter("objectstore", "${S(section)}").camundaInputParameter("mode", "pre-copy")
            .serviceTask("Task_VerifyObjects").camundaExternalTask("objectstore.verify")
            .camundaInputParameter("objectstore", "${S(section)}")
            .userTask("Task_SwitchToNewMinio").endEvent().done()).deploy();
  }

  @AfterAll
  static void stop() throws Exception {
    old.close();
    fresh.close();
  }

  @Test
  void migratesVerifiesAndReportsWithoutAnySecretInTheEngine() throws Exception {
    MinioClient src = old.client();
    src.makeBucket(MakeBucketArgs.builder().bucket("packets").build());
    for (int i = 0; i < 20; i++) {
      byte[] body = ("packet " + i).getBytes();
      src.putObject(PutObjectArgs.builder().bucket("packets").object("p" + i)
          .stream(new ByteArrayInputStream(body), body.length, -1).build());
    }
    ProcessInstance instance = start("{\"buckets\": [\"packets\"], \"deleteRemoved\": false, \"verifyContent\": true}");
    await().atMost(Duration.ofSeconds(60)).until(() -> waitsAt(instance, "Task_SwitchToNewMinio"));

    var runtime = engine.getRuntimeService();
    assertThat(runtime.getVariable(instance.getId(), "objectstoreObjectsCopied")).isEqualTo(20L);
    assertThat(runtime.getVariable(instance.getId(), "objectstoreObjectsFailed")).isEqualTo(0L);
    assertThat(runtime.getVariable(instance.getId(), "objectstoreObjectsDone")).isEqualTo(20L);
    assertThat(runtime.getVariable(instance.getId(), "objectstoreObjectsTotal")).isEqualTo(20L);
    assertThat((String) runtime.getVariable(instance.getId(), "objectstoreMigration"))
        .startsWith("pre-copy of 1 bucket(s) [packets]: 20 objects").contains("20 copied", "0 failed");
    assertThat(runtime.getVariable(instance.getId(), "objectstoreDifferences")).isEqualTo(0L);
    assertThat(engine.getHistoryService().createHistoricDetailQuery().processInstanceId(instance.getId())
        .variableUpdates().list()).as("progress published while copying, then the final figures")
        .filteredOn(d -> ((HistoricVariableUpdate) d).getVariableName().equals("objectstoreProgress")).hasSizeGreaterThan(1);
    assertThat(engine.getHistoryService().createHistoricDetailQuery().processInstanceId(instance.getId())
        .variableUpdates().list()).allSatisfy(d -> assertThat(String.valueOf(((HistoricVariableUpdate) d).getValue()))
        .doesNotContain(SOURCE_SECRET).doesNotContain(TARGET_SECRET).doesNotContain("source-key"));
  }

  @Test
  void differencesFoundByTheVerificationBecomeAnIncidentListingThem() throws Exception {
    MinioClient src = old.client();
    src.makeBucket(MakeBucketArgs.builder().bucket("photos").build());
    fresh.client().makeBucket(MakeBucketArgs.builder().bucket("photos").build());
    byte[] body = "stray".getBytes();
    fresh.client().putObject(PutObjectArgs.builder().bucket("photos").object("stray.jpg")
        .stream(new ByteArrayInputStream(body), body.length, -1).build());
    ProcessInstance instance = start("{\"buckets\": [\"photos\"], \"deleteRemoved\": true}");
    Incident incident = await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService()
        .createIncidentQuery().processInstanceId(instance.getId()).singleResult(), i -> i != null);
    assertThat(incident.getActivityId()).isEqualTo("Task_VerifyObjects");
    assertThat(incident.getIncidentMessage()).startsWith(
        "1 difference(s) between the old and the new MinIO: photos/stray.jpg: only on the target. Run the delta again");
  }

  @Test
  void anObjectTheTargetRefusesBecomesAnIncidentNamingItAfterTheOthersAreCopied() throws Exception {
    MinioClient src = old.client();
    src.makeBucket(MakeBucketArgs.builder().bucket("letters").build());
    for (int i = 0; i < 5; i++) {
      byte[] body = ("letter " + i).getBytes();
      src.putObject(PutObjectArgs.builder().bucket("letters").object("l" + i)
          .stream(new ByteArrayInputStream(body), body.length, -1).build());
    }
    ObjectMigratorTest.presignedPut(src, "letters", "refused", new byte[3], Map.of("x-amz-meta-note", "\"a  b\""));
    ProcessInstance instance = start("{\"buckets\": [\"letters\"], \"deleteRemoved\": false}");
    Incident incident = await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService()
        .createIncidentQuery().processInstanceId(instance.getId()).singleResult(), i -> i != null);
    assertThat(incident.getActivityId()).isEqualTo("Task_PrecopyObjects");
    assertThat(incident.getIncidentMessage()).startsWith("1 of 6 object(s) could not be copied; all others are on the"
        + " target").contains("letters/refused: writing it to the target object store " + fresh.endpoint()
        + " failed: SignatureDoesNotMatch");
    assertThat(ObjectMigratorTest.exists(fresh.client(), "letters", "l4")).isTrue();
  }

  @Test
  void aWrongPlanSectionIsAnIncidentBeforeAnythingIsRead() {
    ProcessInstance instance = start("{\"buckets\": \"none\", \"deleteRemoved\": 1}");
    Incident incident = await().atMost(Duration.ofSeconds(60)).until(() -> engine.getRuntimeService()
        .createIncidentQuery().processInstanceId(instance.getId()).singleResult(), i -> i != null);
    assertThat(incident.getActivityId()).isEqualTo("Task_PrecopyObjects");
    assertThat(incident.getIncidentMessage()).isEqualTo("The plan's objectstore section is wrong: objectstore.buckets"
        + " must be all or a non-empty list of names, not \"none\"; objectstore.deleteRemoved must be true or false, not 1.");
  }

  private ProcessInstance start(String section) {
    return engine.getRuntimeService().startProcessInstanceByKey("objectstore-steps", Map.of("section", section));
  }

  private boolean waitsAt(ProcessInstance instance, String activity) {
    return engine.getRuntimeService().getActiveActivityIds(instance.getId()).contains(activity);
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("objectstore-workers");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
