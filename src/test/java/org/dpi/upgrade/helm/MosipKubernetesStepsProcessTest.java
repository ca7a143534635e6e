package org.dpi.upgrade.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.history.HistoricVariableInstance;
import org.camunda.bpm.engine.runtime.Incident;
import org.camunda.bpm.engine.task.Task;
import org.dpi.upgrade.process.MosipUpgradeDriver;
import org.dpi.upgrade.sandbox.Charts;
import org.dpi.upgrade.sandbox.FakeCluster;
import org.dpi.upgrade.testing.ClusterTargets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The MOSIP process with the application's own Kubernetes and Helm workers on the fake cluster: from
 * the start to the end of step 7 (services deployed), then a failed verification and the whole
 * rollback. Other capabilities' external tasks and the user tasks are answered by the test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
    properties = {"spring.datasource.url=jdbc:h2:mem:k8s-process-test;DB_CLOSE_DELAY=-1", "orchestrator.demo-users=false",
        "camunda.bpm.client.lock-duration=10000", "camunda.bpm.client.async-response-timeout=500",
        "orchestrator.helm.openapi-validation=false", "orchestrator.helm.readiness-timeout=20s",
        "orchestrator.helm.poll-interval=100ms", "orchestrator.workers=kubernetes,helm"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class MosipKubernetesStepsProcessTest {

  static final String PROCESS = "mosip-1.2.0.1-to-1.2.1.0";
  static final String SECRET_VALUE = "db-pw-Qx81-never-in-variables";
  static final String VALUES_SECRET = "helm-values-secret-Lp02";
  static ClusterTargets targets;
  static FakeCluster cluster;
  static Path temp;

  @DynamicPropertySource
  static void environment(DynamicPropertyRegistry registry) throws Exception {
    targets = ClusterTargets.start(registry, "process-test");
    temp = targets.temp();
    cluster = targets.cluster();
    registry.add("orchestrator.helm.repositories.mosip", () -> temp.resolve("charts").toString());
    registry.add("orchestrator.helm.repositories.bitnami", () -> temp.resolve("charts").toString());
    prepareCluster();
  }

  /** The 1.2.0.1 platform: config-server copies, charts and a few old releases. */
  static void prepareCluster() throws Exception {
    KubernetesClient client = cluster.client();
    for (String name : List.of("global", "keycloak-host", "activemq-activemq-artemis-share", "s3", "msg-gateway")) {
      client.configMaps().inNamespace("config-server").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
          .endMetadata().addToData("value", "1.2.0.1 " + name).build()).create();
    }
    for (String name : List.of("db-common-secrets", "keycloak", "keycloak-client-secrets", "activemq-activemq-artemis",
        "softhsm-kernel", "softhsm-ida", "s3", "msg-gateway", "mosip-captcha", "conf-secrets-various")) {
      secret(client, "config-server", name);
    }
    secret(client, "postgres", "db-common-secrets");
    for (String chart : List.of("config-server", "captcha", "artifactory", "keymanager", "websub", "mock-smtp", "kernel",
        "biosdk-service", "packetmanager", "datashare", "prereg", "idrepo", "pms", "mock-abis", "mock-mv", "regproc", "admin",
        "ida", "print", "digitalcard", "resident", "mosip-file-server", "activemq-artemis", "keycloak-init")) {
      Charts.packaged(temp, chart, "1.3.0");
    }
    for (String chart : List.of("config-server", "kernel", "activemq-artemis", "keycloak-init")) {
      Charts.packaged(temp, chart, "12.0.1");
    }
    Charts.packaged(temp, "regclient", "12.0.2");
    Charts.packaged(temp, "artifactory", "12.0.2");
    Charts.packaged(temp, "minio", "15.0.6");
    cluster.kubelet();
  }

  static void secret(KubernetesClient client, String namespace, String name) {
    client.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .addToData("password", Base64.getEncoder().encodeToString((SECRET_VALUE + name).getBytes(StandardCharsets.UTF_8)))
        .build()).create();
  }

  @AfterAll
  static void stop() throws Exception {
    targets.close();
  }

  @Autowired ProcessEngine engine;
  @Autowired HelmClient helm;

  @Test
  void theKubernetesAndHelmStepsRunToTheEndOfStep7AndRollBack() throws Exception {
    String oldValues = "replicaCount: 1\nsecretValue: " + VALUES_SECRET + "\n";
    helm.deploy(new ReleaseState("config-server", "config-server", "mosip/config-server", "12.0.1", oldValues));
    helm.deploy(new ReleaseState("kernel", "kernel", "mosip/kernel", "12.0.1", oldValues));
    helm.deploy(new ReleaseState("activemq-artemis", "activemq", "mosip/activemq-artemis", "12.0.1", oldValues));
    helm.deploy(new ReleaseState("keycloak-init", "keycloak", "mosip/keycloak-init", "12.0.1", oldValues));
    String s3Before = cluster.client().configMaps().inNamespace("config-server").withName("s3").get().getData().toString();

    String instance = engine.getRuntimeService().startProcessInstanceByKey(PROCESS, "CHG-7",
        Map.of("environment", "staging", "changeTicket", "CHG-7", "maintenanceWindow", "Sat 22:00-06:00 UTC")).getId();
    List<String> done = drive(instance, "Task_VerifySchema");

    assertThat(done).containsSubsequence("Task_InstallNewMinio", "Task_BackupConfig", "Task_UninstallServices",
        "Task_UninstallActiveMq", "Task_InstallActiveMq", "Task_RerunKeycloakInit", "Task_InstallArtifactory1202",
        "Task_DeployServices");
    assertThat(helm.current("config-server", "config-server").orElseThrow().version()).isEqualTo("1.3.0");
    assertThat(helm.current("regclient", "regclient").orElseThrow().version()).isEqualTo("12.0.2");
    assertThat(helm.current("artifactory", "artifactory-1202").orElseThrow().version()).isEqualTo("12.0.2");
    assertThat(helm.current("activemq-artemis", "activemq").orElseThrow().version()).isEqualTo("1.3.0");
    assertThat(helm.current("keycloak-init", "keycloak").orElseThrow().version()).isEqualTo("1.3.0");
    assertThat(engine.getHistoryService().createHistoricVariableInstanceQuery().processInstanceId(instance)
        .variableName("deployProgress").singleResult().getValue()).isEqualTo("module 23 of 23");

    // the other capabilities changed the s3 config (switch to the new MinIO)
    cluster.client().configMaps().inNamespace("config-server").withName("s3")
        .edit(c -> new ConfigMapBuilder(c).addToData("value", "minio-2025").build());
    failVerification(instance);
    drive(instance, null);

    assertThat(engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(instance)
        .activityId("End_RolledBack").count()).isOne();
    assertThat(helm.current("config-server", "config-server").orElseThrow().version()).isEqualTo("12.0.1");
    assertThat(helm.current("config-server", "config-server").orElseThrow().values()).contains(VALUES_SECRET);
    assertThat(helm.current("kernel", "kernel").orElseThrow().version()).isEqualTo("12.0.1");
    assertThat(helm.current("activemq-artemis", "activemq").orElseThrow().version()).isEqualTo("12.0.1");
    assertThat(helm.current("keycloak-init", "keycloak").orElseThrow().version()).isEqualTo("12.0.1");
    assertThat(helm.current("regclient", "regclient")).isEmpty();
    assertThat(helm.current("artifactory", "artifactory-1202")).isEmpty();
    assertThat(helm.current("minio", "minio-2025")).isEmpty();
    assertThat(cluster.client().configMaps().inNamespace("config-server").withName("s3").get().getData())
        .hasToString(s3Before);
    List<String> values = new ArrayList<>();
    for (HistoricVariableInstance v : engine.getHistoryService().createHistoricVariableInstanceQuery()
        .processInstanceId(instance).list()) {
      values.add(v.getName() + "=" + v.getValue());
    }
    assertThat(String.join("\n", values)).doesNotContain(SECRET_VALUE).doesNotContain(VALUES_SECRET)
        .doesNotContain(Base64.getEncoder().encodeToString(SECRET_VALUE.getBytes(StandardCharsets.UTF_8)).substring(0, 12));
  }

  static final Map<String, Map<String, Object>> ANSWERS = MosipUpgradeDriver.happyAnswers();

  /**
   * Answers user tasks and completes the other capabilities' external tasks until the instance waits at
   * {@code stopAt} or ends; the k8s.* and helm.* tasks are left to the application's workers.
   *
   * @return the activities completed by the test or seen done by the workers, in order
   */
  List<String> drive(String instance, String stopAt) throws InterruptedException {
    List<String> seen = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 240_000;
    while (engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(instance).count() > 0) {
      if (System.currentTimeMillis() > deadline) {
        fail("the process did not move on; it waits at " + engine.getRuntimeService().getActiveActivityIds(instance));
      }
      List<Incident> incidents = engine.getRuntimeService().createIncidentQuery().processInstanceId(instance).list();
      if (!incidents.isEmpty()) {
        fail("incident at " + incidents.get(0).getActivityId() + ": " + incidents.get(0).getIncidentMessage());
      }
      Task task = engine.getTaskService().createTaskQuery().processInstanceId(instance).list().stream().findFirst().orElse(null);
      ExternalTask external = engine.getExternalTaskService().createExternalTaskQuery().processInstanceId(instance).singleResult();
      String at = task != null ? task.getTaskDefinitionKey() : external != null ? external.getActivityId() : null;
      if (at != null && at.equals(stopAt)) {
        return seen;
      }
      if (task != null) {
        MosipUpgradeDriver.completeUserTask(engine, instance, at, ANSWERS.get(at));
        seen.add(at);
      } else if (external != null && !external.getTopicName().startsWith("k8s.") && !external.getTopicName().startsWith("helm.")) {
        engine.getExternalTaskService().fetchAndLock(1, "test-hand").topic(external.getTopicName(), 10_000).execute()
            .forEach(locked -> engine.getExternalTaskService().complete(locked.getId(), "test-hand",
                MosipUpgradeDriver.resultOf(locked.getActivityId())));
        seen.add(at);
      } else {
        if (external != null && !seen.contains(external.getActivityId())) {
          seen.add(external.getActivityId());
        }
        Thread.sleep(100);
      }
    }
    return seen;
  }

  void failVerification(String instance) {
    engine.getExternalTaskService().fetchAndLock(1, "test-hand").topic("verify.schema", 10_000).execute()
        .forEach(locked -> engine.getExternalTaskService().handleBpmnError(locked.getId(), "test-hand",
            "UPGRADE_STEP_FAILED", "schema differs from 1.3.0"));
  }
}
