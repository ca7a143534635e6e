package org.dpi.upgrade.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.history.HistoricTaskInstance;
import org.camunda.bpm.engine.history.HistoricVariableUpdate;
import org.camunda.bpm.engine.history.UserOperationLogEntry;
import org.camunda.bpm.engine.test.junit5.ProcessEngineExtension;
import org.camunda.bpm.engine.variable.value.SerializableValue;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.ExtensionElements;
import org.camunda.bpm.model.bpmn.instance.UserTask;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperties;
import org.camunda.bpm.model.bpmn.instance.camunda.CamundaProperty;
import org.dpi.upgrade.database.BackupService;
import org.dpi.upgrade.database.Rehearsal;
import org.dpi.upgrade.database.UpgradeCsv;
import org.dpi.upgrade.database.UpgradeCsvRunner;
import org.dpi.upgrade.evidence.Evidence;
import org.dpi.upgrade.evidence.EvidenceCollector;
import org.dpi.upgrade.evidence.EvidenceHtml;
import org.dpi.upgrade.evidence.EvidencePdf;
import org.dpi.upgrade.kubernetes.ConfigBackup;
import org.dpi.upgrade.kubernetes.TaskVariables;
import org.dpi.upgrade.objectstore.VerificationReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The evidence pack of a successful and of a rolled-back MOSIP upgrade, driven as the real users
 * and workers would (each user task completed by a member of its group, external tasks completed
 * with what the real workers record, one failed attempt resolved by an admin), and everything it
 * says checked against the engine's history.
 */
class EvidencePackProcessTest {

  @RegisterExtension
  static ProcessEngineExtension extension = ProcessEngineExtension.builder()
      .configurationResource("process-test.camunda.cfg.xml").build();

  /** Who does what: the people of each candidate group (two DBAs for the two-approval schema gate), the starter is an operator. */
  static final Map<String, List<String>> PEOPLE = Map.of("operators", List.of("olga.operator"),
      "dba", List.of("dmitri.dba", "dana.dba"), "config-reviewers", List.of("rita.reviewer"), "managers", List.of("maria.manager"));
  static final String ADMIN = "adam.admin";
  static final String CONFIG_SHA = "3f1c".repeat(16);
  static final List<String> DATABASES = List.of("mosip_kernel", "mosip_idrepo", "mosip_otp");

  ProcessEngine engine;
  String deploymentId;
  MosipUpgradeDriver run;

  @BeforeEach
  void deploy() throws Exception {
    deploymentId = MosipUpgradeDriver.deployment(engine, "evidence-test", Files.readAllBytes(Path.of(MosipUpgradeDriver.PLAN))).deploy().getId();
    run = new MosipUpgradeDriver(engine);
    workerResults(run);
  }

  @AfterEach
  void undeploy() {
    engine.getIdentityService().clearAuthentication();
    engine.getRepositoryService().deleteDeployment(deploymentId, true);
  }

  @Test
  void successfulUpgradeEveryApprovalChecksumAndVerificationIsInThePackAsHistoryHasIt() throws Exception {
    drive(run, "Task_DeployServices");
    Evidence evidence = new EvidenceCollector(engine).collect(run.instance.getId());

    assertThat(evidence.run().outcome()).isEqualTo(Evidence.Outcome.COMPLETED);
    assertThat(evidence.run().outcomeText()).isEqualTo("MOSIP runs 1.2.1.0");
    assertThat(evidence.run().startedBy()).isEqualTo(PEOPLE.get("operators").get(0));
    assertThat(evidence.run().startForm()).containsEntry("changeTicket", "CHG-1").containsEntry("environment", "staging");
    assertThat(evidence.rollback()).isNull();
    assertApprovalsAsInHistory(evidence);
    assertThat(evidence.approvals()).filteredOn(a -> a.activityId().equals("Task_ApprovePostgresUpgrade")).singleElement()
        .satisfies(a -> {
          assertThat(a.decision()).isEqualTo("upgrade-to-16");
          assertThat(a.comments()).containsExactly("rehearsal clean");
          assertThat(a.candidateGroups()).isEqualTo("dba");
        });
    assertChecksumsAsInHistory(evidence);
    assertThat(evidence.checksums()).extracting(Evidence.Checksum::item).contains("s3://upgrade-backups/CHG-1/config.zip")
        .containsAll(DATABASES);
    assertThat(evidence.checksums()).filteredOn(c -> c.item().equals("mosip_kernel")).singleElement()
        .satisfies(c -> assertThat(c.size()).isEqualTo("10485760 bytes"));
    assertThat(evidence.verifications()).extracting(Evidence.Step::activityId)
        .containsExactly("Task_RehearseSchemaUpgrade", "Task_VerifyObjects", "Task_VerifySchema");
    assertThat(evidence.verifications().get(1).outputs()).extracting(Evidence.Value::name)
        .contains("objectstoreVerification", "objectstoreDifferences");

    // the failed attempt of the deployment and the admin's retry
    Evidence.Step deploy = stepOf(evidence, "Task_DeployServices");
    assertThat(deploy.attempts()).isEqualTo(2);
    assertThat(deploy.incidents()).singleElement().satisfies(i -> {
      assertThat(i.state()).isEqualTo("resolved");
      assertThat(i.message()).isEqualTo("kernel did not become ready: pod kernel-0 CrashLoopBackOff");
      assertThat(i.resolution()).contains("retried by " + ADMIN);
    });
    assertThat(deploy.by()).isEqualTo("worker " + MosipUpgradeDriver.WORKER);
    assertThat(evidence.problems()).containsExactly("1 incident(s) were resolved and the steps retried (see the timeline).");
    assertThat(evidence.fourEyes().people()).containsExactlyElementsOf(new TreeSet<>(PEOPLE.values().stream().flatMap(List::stream).toList()));
    assertThat(evidence.fourEyes().checks()).extracting(Evidence.Check::gate, Evidence.Check::rule, Evidence.Check::held).containsExactly(
        org.assertj.core.groups.Tuple.tuple("DBA approval: PostgreSQL upgrade", "not approved by the starter (olga.operator)", true),
        org.assertj.core.groups.Tuple.tuple("DBA approval: schema upgrade", "not approved by the starter (olga.operator)", true),
        org.assertj.core.groups.Tuple.tuple("DBA approval: schema upgrade", "each of its 2 answers from a different person", true),
        org.assertj.core.groups.Tuple.tuple("Go / no-go", "not approved by the starter (olga.operator)", true),
        org.assertj.core.groups.Tuple.tuple("Go / no-go", "approved by other people than 'DBA approval: schema upgrade'", true));
    // the timeline has every activity instance of history, in order
    assertThat(evidence.timeline()).extracting(Evidence.Step::activityId).containsExactlyElementsOf(
        engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(run.instance.getId())
            .orderByHistoricActivityInstanceStartTime().asc().orderPartiallyByOccurrence().asc().list().stream()
            .map(a -> a.getActivityId()).toList());
    assertThat(evidence.plan().resource()).isEqualTo(MosipUpgradeDriver.PLAN);
    assertThat(evidence.plan().sha256()).hasSize(64);
    assertThat(evidence.plan().used()).contains("\"upgradeCsv\"");

    String html = EvidenceHtml.forPrint(evidence);
    DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8))); // well-formed XHTML
    byte[] pdf = EvidencePdf.render(evidence);
    String text = pdfText(pdf, "successful");
    assertThat(text).contains("MOSIP upgrade 1.2.0.1 → 1.2.1.0 — CHG-1", "MOSIP runs 1.2.1.0", "dmitri.dba", "maria.manager", "upgrade-to-16", CONFIG_SHA,
        "The path taken", "Timeline of every step", "The plan used");
  }

  @Test
  void rolledBackUpgradeThePackListsTheUndoStepsInTheOrderTheyRanAndWhy() throws Exception {
    run.answer("Task_GoNoGo", Map.of("goNoGo", "no-go", "goNoGoReason", "credential issuance fails"));
    run.result("Undo_BackupDatabases", Map.of("postgresRestoreReport", DATABASES.stream()
        .map(db -> db + ": identical to the pre-upgrade snapshot, left as it is").collect(Collectors.joining("\n"))));
    drive(run, null);
    Evidence evidence = new EvidenceCollector(engine).collect(run.instance.getId());

    assertThat(evidence.run().outcome()).isEqualTo(Evidence.Outcome.ROLLED_BACK);
    assertThat(evidence.run().outcomeText()).isEqualTo(nameOf(run.endEvent()));
    List<String> undoOrder = new ArrayList<>(MosipUpgradeDriver.COMPENSABLE);
    Collections.reverse(undoOrder);
    assertThat(evidence.rollback().steps()).extracting(Evidence.Step::activityId)
        .containsExactlyElementsOf(undoOrder.stream().map(s -> "Undo_" + s.substring("Task_".length())).toList())
        .containsExactlyElementsOf(run.visited.stream().filter(a -> a.startsWith("Undo_")).toList());
    assertThat(evidence.rollback().cause()).isEqualTo("UPGRADE_REJECTED");
    assertThat(evidence.rollback().steps()).allSatisfy(s -> assertThat(s.ending()).isEqualTo("completed"));
    assertThat(stepOf(evidence, "Undo_BackupDatabases").outputs()).extracting(Evidence.Value::text)
        .anySatisfy(t -> assertThat(t).contains("mosip_idrepo: identical to the pre-upgrade snapshot"));
    assertThat(evidence.problems().get(0)).startsWith("The upgrade was rolled back (UPGRADE_REJECTED)")
        .endsWith("15 undo step(s) ran.");
    assertThat(evidence.approvals()).filteredOn(a -> a.activityId().equals("Task_GoNoGo")).singleElement()
        .satisfies(a -> {
          assertThat(a.decision()).isEqualTo("no-go");
          assertThat(a.user()).isEqualTo(PEOPLE.get("managers").get(0));
          assertThat(a.comments()).containsExactly("credential issuance fails");
        });
    assertApprovalsAsInHistory(evidence);
    assertChecksumsAsInHistory(evidence);
    // undone steps are drawn as undone, the undo handlers that ran too
    assertThat(evidence.diagram().body()).contains("#fff0d9");

    byte[] pdf = EvidencePdf.render(evidence);
    String text = pdfText(pdf, "rolled-back");
    assertThat(text).contains("Rollback, in the order it ran", "UPGRADE_REJECTED", "credential issuance fails",
        "Reinstall the recorded 1.2.0.1 releases");
  }

  @Test
  void theForecastTakesTheRehearsalAndTheSameStepsOfTheMostRecentEarlierRun() throws Exception {
    drive(run, null);
    MosipUpgradeDriver second = new MosipUpgradeDriver(engine);
    workerResults(second);
    drive(second, null);

    Evidence.Forecast forecast = new EvidenceCollector(engine).collect(second.instance.getId()).forecast();
    assertThat(forecast.rehearsalSource()).contains("Rehearse the schema upgrade on a scratch copy");
    Evidence.ForecastRow schema = forecast.rows().stream().filter(r -> r.step().equals("Run the schema upgrade scripts of upgrade.csv"))
        .findFirst().orElseThrow();
    assertThat(schema.rehearsal()).isEqualTo(Duration.ofMillis(84_000));
    long first = engine.getHistoryService().createHistoricActivityInstanceQuery().processInstanceId(run.instance.getId())
        .activityId("Task_BackupConfig").singleResult().getDurationInMillis();
    Evidence.ForecastRow backup = forecast.rows().stream().filter(r -> r.step().equals("Back up secrets and configmaps"))
        .findFirst().orElseThrow();
    assertThat(backup.pilot()).isEqualTo(Duration.ofMillis(first));
    assertThat(backup.pilotSource()).startsWith("CHG-1 on staging");
    assertThat(forecast.rows()).allSatisfy(r -> assertThat(r.pilot()).isNotNull());
  }

  /** Every completed user task is an approval with the completing user from the operation log and its answers. */
  private void assertApprovalsAsInHistory(Evidence evidence) {
    List<HistoricTaskInstance> done = engine.getHistoryService().createHistoricTaskInstanceQuery()
        .processInstanceId(run.instance.getId()).finished().list();
    assertThat(evidence.approvals()).hasSize(done.size());
    for (HistoricTaskInstance task : done) {
      String user = engine.getHistoryService().createUserOperationLogQuery().taskId(task.getId())
          .operationType(UserOperationLogEntry.OPERATION_TYPE_COMPLETE).list().get(0).getUserId();
      UserTask element = engine.getRepositoryService().getBpmnModelInstance(task.getProcessDefinitionId())
          .getModelElementById(task.getTaskDefinitionKey());
      assertThat(PEOPLE.get(element.getCamundaCandidateGroups())).contains(user);
      Map<String, Object> answers = run.answers.get(task.getTaskDefinitionKey());
      assertThat(evidence.approvals()).filteredOn(a -> a.activityId().equals(task.getTaskDefinitionKey()) && a.user().equals(user)).singleElement()
          .satisfies(a -> {
            assertThat(a.user()).isEqualTo(user);
            assertThat(a.completed()).isEqualTo(task.getEndTime().toInstant());
            assertThat(a.answers()).extracting(Evidence.Value::name).containsAll(answers.keySet());
          });
    }
  }

  /** Every SHA-256 any step wrote into history is in the backups table. */
  private void assertChecksumsAsInHistory(Evidence evidence) {
    Set<String> recorded = new TreeSet<>();
    engine.getHistoryService().createHistoricDetailQuery().processInstanceId(run.instance.getId()).variableUpdates()
        .disableCustomObjectDeserialization().list().forEach(d -> {
          var value = ((HistoricVariableUpdate) d).getTypedValue();
          var matcher = java.util.regex.Pattern.compile("[0-9a-f]{64}").matcher(value instanceof SerializableValue serialized
              ? serialized.getValueSerialized() : String.valueOf(value.getValue()));
          while (matcher.find()) {
            recorded.add(matcher.group());
          }
        });
    assertThat(recorded).contains(CONFIG_SHA).hasSizeGreaterThan(DATABASES.size());
    assertThat(evidence.checksums()).extracting(Evidence.Checksum::sha256).containsAll(recorded);
  }

  /**
   * Runs the instance as its people: the starter is an operator, each user task is claimed and
   * completed by the member of its candidate group; {@code failOnce} fails its first attempt into an
   * incident that an admin resolves by a retry.
   */
  private void drive(MosipUpgradeDriver driver, String failOnce) {
    var identity = engine.getIdentityService();
    identity.setAuthenticatedUserId(PEOPLE.get("operators").get(0));
    driver.start();
    while (!driver.ended()) {
      String current = driver.currentWaitState();
      boolean userTask = engine.getTaskService().createTaskQuery().processInstanceId(driver.instance.getId())
          .taskDefinitionKey(current).count() > 0;
      if (userTask) {
        UserTask element = engine.getRepositoryService().getBpmnModelInstance(driver.instance.getProcessDefinitionId())
            .getModelElementById(current);
        driver.visited.add(current);
        MosipUpgradeDriver.completeUserTask(engine, driver.instance.getId(), current, driver.answers.get(current),
            PEOPLE.get(element.getCamundaCandidateGroups()));
        continue;
      }
      identity.clearAuthentication();
      if (current.equals(failOnce) && !driver.visited.contains(current)) {
        var locked = driver.lock(current);
        engine.getExternalTaskService().handleFailure(locked.getId(), MosipUpgradeDriver.WORKER,
            "kernel did not become ready: pod kernel-0 CrashLoopBackOff", "details", 0, 0);
        identity.setAuthentication(ADMIN, List.of(org.camunda.bpm.engine.authorization.Groups.CAMUNDA_ADMIN));
        engine.getExternalTaskService().setRetries(locked.getId(), 1);
        identity.clearAuthentication();
      }
      driver.step(current);
    }
    identity.clearAuthentication();
  }

  /** What the real workers record, built with their own types where they are public. */
  private static void workerResults(MosipUpgradeDriver driver) throws Exception {
    var row = new UpgradeCsv.Row(1, "mosip_kernel", "1.2.0.1", "1.2.1.0", "upgrade");
    String script = "mosip_kernel/sql/1.2.0.1_to_1.2.1.0_upgrade.sql";
    var forward = new UpgradeCsvRunner.Run(List.of(new UpgradeCsvRunner.RowResult(row, "upgrade", "applied",
        Duration.ofMillis(84_000), script, null, "", List.of(), null)), Map.of());
    var back = new UpgradeCsvRunner.Rollback(List.of(new UpgradeCsvRunner.RowResult(row, "rollback", "applied",
        Duration.ofMillis(51_000), script.replace("_upgrade", "_rollback"), null, "", List.of(), null)), Map.of());
    Rehearsal rehearsal = new Rehearsal("scratch:5433", List.of("mosip_kernel"), Map.of(), forward, back, Duration.ofSeconds(140));
    driver.result("Task_RehearseSchemaUpgrade", Map.of("rehearsalReport", rehearsal.failures()));
    driver.result("Task_BackupConfig", Map.of("configBackup", TaskVariables.JSON.writeValueAsString(
        new ConfigBackup.Archive("s3://upgrade-backups/CHG-1/config.zip", CONFIG_SHA, 15, false))));
    List<String> dumps = new ArrayList<>();
    for (int i = 0; i < DATABASES.size(); i++) {
      dumps.add(new BackupService.BackupFile(DATABASES.get(i), Path.of("/backups/" + DATABASES.get(i) + ".dump"),
          10_485_760L * (i + 1), String.valueOf((char) ('a' + i)).repeat(64), 40 + i).toString());
    }
    driver.result("Task_BackupDatabases", Map.of("backupEvidence", String.join("\n", dumps)));
    driver.result("Task_VerifyObjects", Map.of("objectstoreVerification",
        new VerificationReport(List.of("registration-client", "pre-registration"), 1200, 2_147_483_648L, true, 0, List.of())
            .toString(), "objectstoreDifferences", 0L));
    driver.result("Task_VerifySchema", Map.of("schemaReport",
        "Schema valid: no invalid index, unvalidated constraint or unrefreshed materialized view; every chain applied."));
  }


  private Evidence.Step stepOf(Evidence evidence, String activityId) {
    return evidence.timeline().stream().filter(s -> s.activityId().equals(activityId)).reduce((a, b) -> b).orElseThrow();
  }

  private String nameOf(String activityId) {
    return engine.getRepositoryService().getBpmnModelInstance(run.instance.getProcessDefinitionId())
        .getModelElementById(activityId).getAttributeValue("name");
  }

  /** The PDF's text; the PDF is kept under target/ for a look, with its page count and size printed. */
  private static String pdfText(byte[] pdf, String name) throws Exception {
    Path out = Path.of("target", "evidence-" + name + ".pdf");
    Files.createDirectories(out.getParent());
    Files.write(out, pdf);
    try (PDDocument document = Loader.loadPDF(pdf)) {
      System.out.printf("evidence pack (%s run): %d pages, %d bytes: %s%n", name, document.getNumberOfPages(), pdf.length, out);
      assertThat(document.getNumberOfPages()).isGreaterThan(5);
      return new PDFTextStripper().getText(document).replaceAll("\\s+", " ");
    }
  }
}
