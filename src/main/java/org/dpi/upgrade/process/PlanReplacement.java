package org.dpi.upgrade.process;

import java.io.IOException;

/**
 * Replaces the plan deployed beside a diagram: the sandbox deploys plans pointing at its own parts.
 * {@link ProcessDeployment} asks every such bean about every plan it deploys.
 */
public interface PlanReplacement {

  /** The plan to deploy as {@code resource} (e.g. {@code processes/mosip/x.plan.yaml}) instead of {@code plan}. */
  byte[] replace(String resource, byte[] plan) throws IOException;
}
