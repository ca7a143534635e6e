package org.dpi.upgrade.step;

import java.util.Map;

/**
 * A step cannot go on without a person's decision: the worker raises the BPMN error
 * {@code errorCode} with {@code variables} (the question, never a secret), which a boundary event
 * of the step leads to the user task that asks it; the answer comes back to the step.
 */
public class DecisionRequiredException extends RuntimeException {

  private final String errorCode;
  private final transient Map<String, Object> variables;

  public DecisionRequiredException(String errorCode, String message, Map<String, Object> variables) {
    super(message);
    this.errorCode = errorCode;
    this.variables = Map.copyOf(variables);
  }

  public String errorCode() {
    return errorCode;
  }

  public Map<String, Object> variables() {
    return variables;
  }
}
