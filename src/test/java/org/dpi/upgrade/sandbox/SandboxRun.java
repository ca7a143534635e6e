package org.dpi.upgrade.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One orchestrator with the default sandbox, shared by the sandbox's end-to-end test classes of a
 * test run (building the sandbox is the slow part): started once, with a fresh sandbox and the
 * vendor defect planted (the first scenario needs it), stopped when the run ends. Its working
 * directory is {@code target/sandbox-it}; the sandbox is the default {@code ./data/sandbox} there.
 */
final class SandboxRun implements ExtensionContext.Store.CloseableResource {

  static final Duration FIRST_START = Duration.ofMinutes(10);
  static final Duration RESTART = Duration.ofMinutes(5);
  static final Duration UPGRADE = Duration.ofMinutes(10);

  final Path workDir = Path.of("target/sandbox-it").toAbsolutePath();
  final OrchestratorProcess orchestrator;
  /** The output of the first start: its first screen shows the users' one-time passwords. */
  final String firstStart;
  final Map<String, String> passwords;
  /** The instance a scenario leaves for the next one (the kill -9 test's, continued by the no-go). */
  String instance;
  /** The state the kill -9 test recorded before its instance started. */
  SortedMap<String, String> restorePoint;

  private SandboxRun() throws Exception {
    orchestrator = new OrchestratorProcess(workDir);
    orchestrator.start(FIRST_START, "--sandbox.reset", "--sandbox.vendor-defect");
    firstStart = orchestrator.output();
    passwords = orchestrator.printedPasswords();
  }

  Path sandbox() {
    return workDir.resolve("data/sandbox");
  }

  SortedMap<String, String> state() throws Exception {
    return SandboxState.read(sandbox());
  }

  RestUpgradeDriver driver() {
    return new RestUpgradeDriver(orchestrator.url(), passwords);
  }

  @Override
  public void close() throws Exception {
    orchestrator.close();
  }

  /** Gives test methods the run of this test run, starting it with the first class that asks. */
  static class Extension implements ParameterResolver {
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
      return parameter.getParameter().getType() == SandboxRun.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
      return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(SandboxRun.class, key -> {
        try {
          return new SandboxRun();
        } catch (Exception e) {
          throw new IllegalStateException("the orchestrator with its sandbox did not start: " + e.getMessage(), e);
        }
      }, SandboxRun.class);
    }
  }
}
