package org.dpi.upgrade.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Findings of {@code verify.schema}: a short summary for the process, the full text for the file. */
public class SchemaCheck {

  private final List<String> problems = new ArrayList<>();
  private final List<String> findings = new ArrayList<>();
  private Path file;

  void problem(String db, String text) {
    problems.add(db + ": " + text);
    findings.add("PROBLEM " + db + ": " + text);
  }

  void ok(String db, String text) {
    findings.add("ok      " + db + ": " + text);
  }

  void write(Path target) throws IOException {
    Files.writeString(target, String.join("\n", findings) + "\n");
    file = target;
  }

  public List<String> problems() {
    return problems;
  }

  /** At most ten problems and the path of the full report. */
  public String summary() {
    String head = problems.isEmpty() ? "Schema valid: no invalid index, unvalidated constraint or unrefreshed materialized view; every chain applied."
        : problems.size() + " problem(s):\n- " + String.join("\n- ", problems.subList(0, Math.min(10, problems.size())))
            + (problems.size() > 10 ? "\n- ..." : "");
    return head + "\nFull report: " + file;
  }
}
