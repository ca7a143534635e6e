package org.dpi.upgrade.helm;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Waits until a release's workloads (label {@code app.kubernetes.io/instance=<release>}) are ready:
 * Deployments and StatefulSets with all replicas ready, Jobs complete. On timeout or a failed Job the
 * message names the release, the namespace and what is not ready (pod and container reason, or the
 * workload's condition), for the operator.
 */
public class Readiness {

  static final String INSTANCE = "app.kubernetes.io/instance";

  private final KubernetesClient client;
  private final Duration poll;

  public Readiness(KubernetesClient client, Duration poll) {
    this.client = client;
    this.poll = poll;
  }

  public void await(String release, String namespace, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> waiting = waiting(release, namespace);
      if (waiting.isEmpty()) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("release " + release + " in namespace " + namespace + " is not ready after "
            + timeout.toSeconds() + " s: " + String.join("; ", waiting) + pods(release, namespace)
            + ". Fix the cause (kubectl -n " + namespace + " describe pod ...) and retry the step");
      }
      Thread.sleep(poll.toMillis());
    }
  }

  private List<String> waiting(String release, String namespace) {
    List<String> waiting = new ArrayList<>();
    for (Deployment d : client.apps().deployments().inNamespace(namespace).withLabel(INSTANCE, release).list().getItems()) {
      int want = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
      int ready = d.getStatus() == null ? 0 : Objects.requireNonNullElse(d.getStatus().getReadyReplicas(), 0);
      if (ready < want) {
        waiting.add("Deployment " + d.getMetadata().getName() + " " + ready + "/" + want + " ready" + (d.getStatus() == null
            ? "" : d.getStatus().getConditions().stream().filter(c -> "False".equals(c.getStatus()))
                .map(c -> " (" + c.getType() + "=False: " + c.getReason() + ")").collect(Collectors.joining())));
      }
    }
    for (StatefulSet s : client.apps().statefulSets().inNamespace(namespace).withLabel(INSTANCE, release).list().getItems()) {
      int want = Objects.requireNonNullElse(s.getSpec().getReplicas(), 1);
      int ready = s.getStatus() == null ? 0 : Objects.requireNonNullElse(s.getStatus().getReadyReplicas(), 0);
      if (ready < want) {
        waiting.add("StatefulSet " + s.getMetadata().getName() + " " + ready + "/" + want + " ready");
      }
    }
    for (Job j : client.batch().v1().jobs().inNamespace(namespace).withLabel(INSTANCE, release).list().getItems()) {
      int succeeded = j.getStatus() == null ? 0 : Objects.requireNonNullElse(j.getStatus().getSucceeded(), 0);
      boolean failed = j.getStatus() != null && j.getStatus().getConditions().stream()
          .anyMatch(c -> "Failed".equals(c.getType()) && "True".equals(c.getStatus()));
      if (failed) {
        throw new IllegalStateException("release " + release + " in namespace " + namespace + ": Job "
            + j.getMetadata().getName() + " failed" + pods(release, namespace) + ". Fix the cause and retry the step");
      }
      if (succeeded < 1) {
        waiting.add("Job " + j.getMetadata().getName() + " not complete");
      }
    }
    return waiting;
  }

  /** The release's pods that are not ready, with their container reasons. */
  private String pods(String release, String namespace) {
    List<String> pods = new ArrayList<>();
    for (Pod p : client.pods().inNamespace(namespace).withLabel(INSTANCE, release).list().getItems()) {
      List<String> reasons = new ArrayList<>();
      if (p.getStatus() != null) {
        for (ContainerStatus c : p.getStatus().getContainerStatuses()) {
          if (!Boolean.TRUE.equals(c.getReady()) && c.getState() != null && c.getState().getWaiting() != null) {
            reasons.add(c.getName() + " " + c.getState().getWaiting().getReason());
          } else if (!Boolean.TRUE.equals(c.getReady()) && c.getState() != null && c.getState().getTerminated() != null) {
            reasons.add(c.getName() + " terminated " + c.getState().getTerminated().getReason());
          }
        }
      }
      if (!reasons.isEmpty()) {
        pods.add("pod " + p.getMetadata().getName() + ": " + String.join(", ", reasons));
      }
    }
    return pods.isEmpty() ? "" : "; " + String.join("; ", pods);
  }
}
