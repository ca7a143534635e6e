package org.dpi.upgrade.sandbox;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the mock lacks: a thread that makes workloads ready. Every Deployment gets all its replicas
 * ready and every Job succeeds, except those of the releases marked broken: for them a pod in
 * CrashLoopBackOff appears instead.
 */
public final class Kubelet implements AutoCloseable {

  private static final String INSTANCE = "app.kubernetes.io/instance";

  private final KubernetesClient client;
  private final Set<String> broken = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean running = true;

  Kubelet(KubernetesClient client) {
    this.client = client;
    this.thread = new Thread(this::loop, "sandbox-kubelet");
    thread.setDaemon(true);
    thread.start();
  }

  /** The release's workloads never become ready (until {@link #repair}). */
  public void breakRelease(String release) {
    broken.add(release);
  }

  public void repair(String release) {
    broken.remove(release);
  }

  private void loop() {
    while (running) {
      try {
        client.apps().deployments().inAnyNamespace().list().getItems().forEach(this::reconcile);
        client.batch().v1().jobs().inAnyNamespace().list().getItems().forEach(this::complete);
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // the mock is shutting down or an object went away between list and update: next round
      }
    }
  }

  private void reconcile(Deployment d) {
    String release = d.getMetadata().getLabels() == null ? null : d.getMetadata().getLabels().get(INSTANCE);
    String ns = d.getMetadata().getNamespace();
    if (broken.contains(release)) {
      String pod = d.getMetadata().getName() + "-7d4b9c-x2x9z";
      if (client.pods().inNamespace(ns).withName(pod).get() == null) {
        client.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName(pod).addToLabels(INSTANCE, release)
            .endMetadata().withNewStatus().withPhase("Running").withContainerStatuses(new ContainerStatusBuilder()
                .withName(release).withReady(false).withNewState().withNewWaiting().withReason("CrashLoopBackOff")
                .endWaiting().endState().build()).endStatus().build()).create();
      }
      return;
    }
    int replicas = Objects.requireNonNullElse(d.getSpec().getReplicas(), 1);
    if (d.getStatus() == null || !Objects.equals(d.getStatus().getReadyReplicas(), replicas)) {
      d.setStatus(new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(replicas)
          .withAvailableReplicas(replicas).withObservedGeneration(d.getMetadata().getGeneration()).build());
      client.apps().deployments().inNamespace(ns).resource(d).updateStatus();
    }
  }

  private void complete(Job j) {
    String release = j.getMetadata().getLabels() == null ? null : j.getMetadata().getLabels().get(INSTANCE);
    if (!broken.contains(release) && (j.getStatus() == null || j.getStatus().getSucceeded() == null)) {
      j.setStatus(new JobStatusBuilder().withSucceeded(1).build());
      client.batch().v1().jobs().inNamespace(j.getMetadata().getNamespace()).resource(j).updateStatus();
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join(2000);
  }
}
