package org.dpi.upgrade.database;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Map;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.client.task.ExternalTask;
import org.dpi.upgrade.worker.ConditionalOnWorkers;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/** {@code postgres.set-otpuser-password}: a strong otpuser password, set on the role and stored in the plan's Secret only. */
@Component
@ConditionalOnWorkers("database")
@ExternalTaskSubscription("postgres.set-otpuser-password")
public class PostgresSetOtpuserPasswordWorker extends DatabaseWorker {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ObjectProvider<KubernetesClient> kubernetes;

  public PostgresSetOtpuserPasswordWorker(DatabaseSteps steps, DatabaseSettings settings, ObjectProvider<KubernetesClient> kubernetes) {
    super(steps, settings);
    this.kubernetes = kubernetes;
  }

  @Override
  protected Map<String, Object> run(ExternalTask task, Progress progress) throws Exception {
    Object input = task.getVariable("secret");
    if (input == null) {
      throw new IllegalArgumentException("the input 'secret' ({namespace, name, key} of the Kubernetes secret) is missing");
    }
    OtpuserPassword.SecretRef ref = input instanceof Map<?, ?> map ? JSON.convertValue(map, OtpuserPassword.SecretRef.class)
        : JSON.readValue(input.toString(), OtpuserPassword.SecretRef.class);
    KubernetesClient shared = kubernetes.getIfAvailable();
    if (shared != null) {
      return Map.of("otpuserPasswordReport", new OtpuserPassword(shared).rotate(server(task), ref));
    }
    try (KubernetesClient own = new KubernetesClientBuilder().build()) {
      return Map.of("otpuserPasswordReport", new OtpuserPassword(own).rotate(server(task), ref));
    }
  }
}
