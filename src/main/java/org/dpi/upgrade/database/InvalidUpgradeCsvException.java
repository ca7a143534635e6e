package org.dpi.upgrade.database;

import java.nio.file.Path;
import java.util.List;

/** upgrade.csv or its scripts are wrong; nothing was executed. Lists every problem. */
public class InvalidUpgradeCsvException extends IllegalArgumentException {

  private final List<String> problems;

  public InvalidUpgradeCsvException(Path csv, List<String> problems) {
    super(problems.size() + " problem(s) in " + csv + ", nothing was executed:\n- " + String.join("\n- ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
