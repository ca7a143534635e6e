package org.dpi.upgrade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.repository.ProcessDefinition;
import org.dpi.upgrade.sandbox.Sandbox;
import org.dpi.upgrade.sandbox.SandboxMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * The short block printed when the application is ready, after all start-up output: where to log
 * in, the users created at this start with their one-time passwords, whether this is the sandbox,
 * and what to do first. Passwords go to the console only, never to the log.
 */
@Component
public class FirstScreen {

  public static final String READY = "Upgrade Orchestrator is ready: ";
  private static final Logger log = LoggerFactory.getLogger(FirstScreen.class);
  private static final String LINE = "=".repeat(100);

  private final Environment environment;
  private final List<String> created = new ArrayList<>();

  public FirstScreen(Environment environment) {
    this.environment = environment;
  }

  /** Users created at this start, as {@code name / password  (what they do)}; shown once, on the first screen. */
  public synchronized void usersCreated(List<String> users) {
    created.addAll(users);
  }

  @EventListener
  public void show(ApplicationReadyEvent ready) {
    RepositoryService repository = ready.getApplicationContext().getBean(RepositoryService.class);
    String url = "http://localhost:" + environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"))
        + "/camunda/app/";
    System.out.println(text(url, repository));
    log.info("Ready at {}{}", url, sandbox() ? " (" + Sandbox.NOTICE + ")" : "");
  }

  synchronized String text(String url, RepositoryService repository) {
    boolean demo = environment.getProperty("orchestrator.demo-users", Boolean.class, false)
        && !environment.acceptsProfiles(Profiles.of("postgres"));
    List<String> lines = new ArrayList<>();
    lines.add(READY + url);
    if (sandbox()) {
      lines.add(Sandbox.NOTICE + ". The automated steps act on an embedded MOSIP 1.2.0.1");
      lines.add("in " + environment.getProperty("sandbox.directory", "./data/sandbox")
          + " (rebuild it: --sandbox.reset; with a vendor defect: --sandbox.vendor-defect).");
    }
    lines.add("");
    if (!created.isEmpty()) {
      lines.add("Users created now (passwords shown this once):");
      created.forEach(user -> lines.add("  " + user));
    } else {
      lines.add("Users: those created before (their passwords were shown when they were created"
          + (sandbox() ? "; new ones: --sandbox.reset" : "") + ").");
    }
    lines.add("");
    Set<String> runnable = sandbox() ? sandboxProcesses() : null;
    List<String> processes = repository.createProcessDefinitionQuery().latestVersion().list().stream()
        .filter(d -> runnable == null || runnable.contains(d.getKey())).map(ProcessDefinition::getName).sorted().toList();
    String process = processes.isEmpty() ? "the upgrade" : "\"" + String.join("\" or \"", processes) + "\"";
    lines.add("What to do first:");
    lines.add(" 1. Log in as " + (demo ? "demo-operator" : "an operator") + "; in Tasklist, Start process: " + process + ".");
    lines.add(" 2. Each group completes its own tasks (filter \"My group's tasks\"): "
        + (demo ? "demo-dba and demo-dba2, demo-reviewer, demo-manager" : "dba, config-reviewers, managers") + ",");
    lines.add("    " + (demo ? "demo-operator" : "operators") + " the rest. The automated steps run by themselves.");
    lines.add(" 3. Follow the instance in Cockpit as " + (demo ? "demo-manager" : "a manager")
        + (demo ? "." : "; users and groups are managed in Admin, as admin."));
    created.clear();
    return "\n" + LINE + "\n" + String.join("\n", lines.stream().map(l -> l.isEmpty() ? "" : "  " + l).toList()) + "\n" + LINE + "\n";
  }

  private static Set<String> sandboxProcesses() {
    try {
      return Sandbox.processes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean sandbox() {
    return environment.getProperty(SandboxMode.ACTIVE, Boolean.class, false);
  }
}
