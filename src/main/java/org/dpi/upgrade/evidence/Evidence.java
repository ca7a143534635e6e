package org.dpi.upgrade.evidence;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the evidence pack of one upgrade says, collected from the engine's history only
 * ({@link EvidenceCollector}); rendered as HTML by {@link EvidenceHtml} and as PDF by {@link EvidencePdf}.
 */
public record Evidence(
    Instant generatedAt,
    Run run,
    /* failures first: open incidents, the rollback's cause, rules that did not hold */
    List<String> problems,
    List<Step> timeline,
    List<Approval> approvals,
    FourEyes fourEyes,
    List<Checksum> checksums,
    List<Step> backups,
    List<Step> verifications,
    Rollback rollback,
    Forecast forecast,
    PlanUsed plan,
    DiagramSvg.Drawing diagram) {

  /** How an upgrade ended, for colours and filters. */
  public enum Outcome {
    RUNNING("running"), COMPLETED("completed"), ROLLED_BACK("rolled back"), CANCELLED("cancelled");

    public final String label;

    Outcome(String label) {
      this.label = label;
    }
  }

  /** The instance: which process, who started it, when, how it ended (its end event's name). */
  public record Run(String id, String businessKey, String processName, String processKey, int version,
                    String deploymentId, String startedBy, Instant started, Instant ended, Outcome outcome,
                    String outcomeText, Map<String, String> startForm) {
    public Duration duration() {
      return ended == null ? null : Duration.between(started, ended);
    }
  }

  /** One activity instance of the timeline. */
  public record Step(String activityId, String name, String kind, String topic, Instant started, Instant ended,
                     String ending, int attempts, String by, List<Incident> incidents, List<Value> outputs) {
    public Duration duration() {
      return ended == null ? null : Duration.between(started, ended);
    }
  }

  /** An incident of a step, and how it was resolved. */
  public record Incident(Instant created, Instant ended, String state, String message, String resolution) {
  }

  /** A variable a step recorded (the last value it wrote), as text. */
  public record Value(String name, String text) {
  }

  /** A completed user task: who answered what, when. */
  public record Approval(String activityId, String step, String candidateGroups, String user, Instant completed,
                         String decision, List<Value> answers, List<String> comments) {
  }

  /** Who took part, and each four-eyes rule declared on a gate with whether it held in this run. */
  public record FourEyes(String starter, List<String> people, List<Check> checks) {
  }

  /** One declared rule of a gate ({@code notStarter}, {@code distinctFrom}, {@code approvers}). */
  public record Check(String gate, String rule, boolean held, String detail) {
  }

  /** A SHA-256 a step recorded, with what it is a checksum of and its size when the step said so. */
  public record Checksum(String step, String variable, String item, String size, String sha256) {
  }

  /** Why the rollback started and the undo steps in the order they ran. */
  public record Rollback(String cause, String message, String failedStep, Instant started, List<Step> steps) {
  }

  /**
   * The window forecast beside the actual durations: per step, the rehearsal's measurement (when a
   * rehearsal measured that step) and the duration of the same step in the most recent earlier run.
   */
  public record Forecast(List<ForecastRow> rows, String rehearsalSource, Duration forecastTotal, Duration actualTotal) {
  }

  public record ForecastRow(String step, Duration rehearsal, Duration pilot, String pilotSource, Duration actual) {
  }

  /** The plan the instance ran with: the deployed file with its checksum, and the checked plan as used. */
  public record PlanUsed(String resource, String deploymentId, String sha256, String deployedText, String used) {
  }
}
