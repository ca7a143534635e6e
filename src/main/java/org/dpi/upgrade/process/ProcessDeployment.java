package org.dpi.upgrade.process;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * Deploys every diagram of {@code processes/}, its plan and every form of {@code forms/} as one
 * deployment, named by their path in the repository (the starter would name them by absolute file
 * path). Nothing is deployed when nothing changed; when one file changed, all are deployed again,
 * so that a process always finds its forms and plan in its own deployment. A {@link PlanReplacement}
 * bean (the sandbox) may replace the plans.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 1)
public class ProcessDeployment extends AbstractProcessEnginePlugin {

  public static final String NAME = "upgrade-orchestrator";
  static final List<String> ROOTS = List.of("processes", "forms");
  static final List<String> PATTERNS = List.of("processes/**/*.bpmn", "processes/**/*.plan.yaml", "forms/**/*.form");

  private static final Logger LOG = LoggerFactory.getLogger(ProcessDeployment.class);

  private final ObjectProvider<PlanReplacement> replacements;

  public ProcessDeployment(ObjectProvider<PlanReplacement> replacements) {
    this.replacements = replacements;
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine engine) {
    DeploymentBuilder deployment = engine.getRepositoryService().createDeployment().name(NAME)
        .source("classpath").enableDuplicateFiltering(false);
    List<String> names = new ArrayList<>();
    try {
      var resolver = new PathMatchingResourcePatternResolver();
      for (String pattern : PATTERNS) {
        for (Resource resource : resolver.getResources("classpath*:" + pattern)) {
          String name = nameOf(resource.getURL().toString());
          names.add(name);
          byte[] content;
          try (InputStream in = resource.getInputStream()) {
            content = in.readAllBytes();
          }
          if (name.endsWith(".plan.yaml")) {
            for (PlanReplacement replacement : replacements) {
              content = replacement.replace(name, content);
            }
          }
          deployment.addInputStream(name, new ByteArrayInputStream(content));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the processes and forms to deploy", e);
    }
    var deployed = deployment.deployWithResult();
    LOG.info("Deployment {} of {} resources: {}", deployed.getId(), names.size(), names);
  }

  /** The resource's path from its root folder, e.g. {@code forms/go-no-go.form}. */
  static String nameOf(String url) {
    int start = ROOTS.stream().mapToInt(root -> url.lastIndexOf("/" + root + "/")).max().orElse(-1);
    if (start < 0) {
      throw new IllegalArgumentException("not under " + ROOTS + ": " + url);
    }
    return url.substring(start + 1);
  }
}
