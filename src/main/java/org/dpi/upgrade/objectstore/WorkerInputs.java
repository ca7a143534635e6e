package org.dpi.upgrade.objectstore;

import java.util.List;
import java.util.function.Supplier;
import org.camunda.bpm.client.task.ExternalTask;

/**
 * What both workers need: the plan's {@code objectstore} input (a Spin JSON value or its text) and
 * a migrator for the configured servers, checked together so one error lists every problem.
 */
record WorkerInputs(MigrationPlan plan, ObjectMigrator migrator) {

  /** {@code problems}: those the caller already found in its own inputs. */
  static WorkerInputs read(ExternalTask task, ObjectStoreProperties properties, List<String> problems) {
    MigrationPlan plan = checked(() -> {
      Object section = task.getVariable("objectstore");
      return MigrationPlan.parse(section == null ? null : section.toString());
    }, problems);
    ObjectMigrator migrator = checked(() -> new ObjectMigrator(properties.settings()), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join(" ", problems));
    }
    return new WorkerInputs(plan, migrator);
  }

  private static <T> T checked(Supplier<T> input, List<String> problems) {
    try {
      return input.get();
    } catch (IllegalArgumentException | ObjectStoreException e) {
      problems.add(e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".");
      return null;
    }
  }
}
