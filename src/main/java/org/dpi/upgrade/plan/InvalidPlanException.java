package org.dpi.upgrade.plan;

import java.util.List;

/** A plan that cannot be used; the message lists every problem. */
public class InvalidPlanException extends RuntimeException {
  private final List<String> problems;

  public InvalidPlanException(String source, List<String> problems) {
    super("The upgrade plan " + source + " cannot be used; fix it and start again:\n - "
        + String.join("\n - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
