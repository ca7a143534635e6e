package org.dpi.upgrade.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.client.spring.annotation.ExternalTaskSubscription;
import org.camunda.bpm.engine.ExternalTaskService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RuntimeService;
import org.camunda.bpm.engine.externaltask.ExternalTask;
import org.camunda.bpm.engine.runtime.Incident;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.classreading.CachingMetadataReaderFactory;
import org.springframework.stereotype.Component;

/**
 * Makes an automated step that no worker will ever take visible in Cockpit: an external task left
 * unlocked for {@code orchestrator.unserved-topic-delay} (default 2 minutes) whose topic no worker of
 * this orchestrator serves gets an incident of type {@value #INCIDENT}, e.g. "no worker for
 * postgres.rehearse: enable database in ORCHESTRATOR_WORKERS ...". The incident is resolved as soon as
 * a worker (here or elsewhere) locks the task, or the task is gone. It never blocks the task.
 */
@Component
public class UnservedTopics {

  public static final String INCIDENT = "noWorker";
  private static final Logger log = LoggerFactory.getLogger(UnservedTopics.class);

  private final Duration delay;
  /** Every topic a worker class of this application subscribes to, with its capability. */
  private final Map<String, String> capabilityOfTopic;
  private final Set<String> served = new HashSet<>();
  private ScheduledExecutorService sweeper;

  public UnservedTopics(Environment environment, @Value("${orchestrator.unserved-topic-delay:2m}") Duration delay) {
    this.delay = delay;
    this.capabilityOfTopic = workerTopics();
    List<String> enabled = Binder.get(environment).bind("orchestrator.workers", Bindable.listOf(String.class))
        .orElse(List.of()).stream().map(String::trim).toList();
    capabilityOfTopic.forEach((topic, capability) -> {
      if (enabled.contains(capability)) {
        served.add(topic);
      }
    });
  }

  /** The topics of this application's workers and their capabilities, read from the classes' annotations. */
  static Map<String, String> workerTopics() {
    Map<String, String> topics = new HashMap<>();
    var classes = new PathMatchingResourcePatternResolver();
    var readers = new CachingMetadataReaderFactory(classes);
    try {
      for (Resource type : classes.getResources("classpath*:org/dpi/upgrade/**/*.class")) {
        AnnotationMetadata metadata = readers.getMetadataReader(type).getAnnotationMetadata();
        var subscription = metadata.getAnnotationAttributes(ExternalTaskSubscription.class.getName());
        var capability = metadata.getAnnotationAttributes(ConditionalOnWorkers.class.getName());
        if (subscription != null && capability != null) {
          topics.put((String) subscription.get("value"), (String) capability.get("value"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the worker classes", e);
    }
    return topics;
  }

  @EventListener
  public void start(ApplicationReadyEvent ready) {
    ProcessEngine engine = ready.getApplicationContext().getBean(ProcessEngine.class);
    long period = Math.max(1000, Math.min(delay.toMillis() / 4, 30_000));
    sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "unserved-topics");
      t.setDaemon(true);
      return t;
    });
    sweeper.scheduleWithFixedDelay(() -> {
      try {
        sweep(engine);
      } catch (RuntimeException e) {
        log.warn("checking for automated steps without a worker failed: {}", e.getMessage());
      }
    }, period, period, TimeUnit.MILLISECONDS);
  }

  @EventListener(ContextClosedEvent.class)
  public void stop() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  /** Raises the incident for tasks waiting too long at an unserved topic, resolves it where a worker came. */
  void sweep(ProcessEngine engine) {
    ExternalTaskService tasks = engine.getExternalTaskService();
    RuntimeService runtime = engine.getRuntimeService();
    Map<String, Incident> flagged = new HashMap<>();
    for (Incident incident : runtime.createIncidentQuery().incidentType(INCIDENT).list()) {
      flagged.put(incident.getConfiguration(), incident);
    }
    long now = System.currentTimeMillis();
    for (ExternalTask task : tasks.createExternalTaskQuery().notLocked().active().list()) {
      Incident incident = flagged.remove(task.getId());
      boolean waiting = task.getCreateTime() != null && now - task.getCreateTime().getTime() >= delay.toMillis();
      if (incident == null && waiting && !served.contains(task.getTopicName())) {
        String message = message(task.getTopicName());
        runtime.createIncident(INCIDENT, task.getExecutionId(), task.getId(), message);
        log.warn("{} ({} of process instance {})", message, task.getActivityId(), task.getProcessInstanceId());
      }
    }
    // the rest were taken by a worker, or are gone
    flagged.values().forEach(incident -> runtime.resolveIncident(incident.getId()));
  }

  String message(String topic) {
    String capability = capabilityOfTopic.get(topic);
    return capability == null
        ? "no worker for " + topic + ": no capability of this orchestrator serves this topic; run a worker for it"
        : "no worker for " + topic + ": enable " + capability + " in ORCHESTRATOR_WORKERS (orchestrator.workers), "
            + "or run a worker for it elsewhere";
  }
}
