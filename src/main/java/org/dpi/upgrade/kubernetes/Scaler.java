package org.dpi.upgrade.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;

/**
 * Scales a Deployment or StatefulSet to N replicas and reports the previous count, so that a step can
 * scale back exactly (used by runbooks that stop a service during a change). Scaling to the current
 * count changes nothing.
 */
public class Scaler {

  private final KubernetesClient client;

  public Scaler(KubernetesClient client) {
    this.client = client;
  }

  /** @return the replica count before the change */
  public int scale(String kind, String namespace, String name, int replicas) {
    if (replicas < 0) {
      throw new IllegalArgumentException("replicas must be 0 or more, not " + replicas);
    }
    RollableScalableResource<?> workload = switch (kind) {
      case "Deployment" -> client.apps().deployments().inNamespace(namespace).withName(name);
      case "StatefulSet" -> client.apps().statefulSets().inNamespace(namespace).withName(name);
      default -> throw new IllegalArgumentException("only a Deployment or a StatefulSet can be scaled, not " + kind);
    };
    Object current = workload.get();
    if (current == null) {
      throw new IllegalStateException(kind + " " + namespace + "/" + name + " does not exist");
    }
    int previous = workload.scale().getSpec().getReplicas();
    if (previous != replicas) {
      workload.scale(replicas);
    }
    return previous;
  }
}
