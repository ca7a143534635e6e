package org.dpi.upgrade.security;

import static org.camunda.bpm.engine.authorization.Authorization.AUTH_TYPE_GRANT;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.FilterService;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Groups;
import org.camunda.bpm.engine.authorization.Permission;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.filter.Filter;
import org.camunda.bpm.engine.identity.User;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.dpi.upgrade.FirstScreen;
import org.dpi.upgrade.process.ProcessDeployment;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.env.Environment;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

/**
 * Creates the groups, the admin, the worker user, the optional demo users, the authorizations and
 * the Tasklist filter when the engine is built, before it serves anyone, after the processes are
 * deployed (operators may start exactly the deployed process keys). Every action is idempotent:
 * existing users keep their passwords (except the worker, whose password follows the configuration
 * at each start). The worker and every admin are unlocked at each start: a restart is the
 * break-glass for an admin locked out by wrong passwords.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
public class IdentitySetup extends AbstractProcessEnginePlugin {

  public static final String OPERATORS = "operators";
  public static final String DBA = "dba";
  public static final String CONFIG_REVIEWERS = "config-reviewers";
  public static final String MANAGERS = "managers";
  public static final String WORKERS = "workers";
  public static final String ADMIN_USER = "admin";
  public static final String TASK_FILTER = "My group's tasks";

  /** Groups whose members work on user tasks, with their names in Tasklist. */
  static final Map<String, String> TASK_GROUPS = new LinkedHashMap<>(Map.of(
      OPERATORS, "Upgrade operators", DBA, "Database administrators",
      CONFIG_REVIEWERS, "Config reviewers", MANAGERS, "Managers"));

  /** Two DBAs: the schema-upgrade gate needs two distinct ones. */
  static final Map<String, String> DEMO_USERS = Map.of("demo-operator", OPERATORS, "demo-dba", DBA,
      "demo-dba2", DBA, "demo-reviewer", CONFIG_REVIEWERS, "demo-manager", MANAGERS);

  private final Environment environment;
  private final String adminPassword;
  private final boolean demoUsers;
  private final String workerUser;
  private final String workerPassword;
  private final FirstScreen firstScreen;

  public IdentitySetup(Environment environment, FirstScreen firstScreen,
      @Value("${orchestrator.admin.password:}") String adminPassword,
      @Value("${orchestrator.demo-users:false}") boolean demoUsers,
      @Value("${orchestrator.worker.user}") String workerUser,
      @Value("${orchestrator.worker.password}") String workerPassword) {
    this.environment = environment;
    this.adminPassword = adminPassword;
    this.demoUsers = demoUsers;
    this.workerUser = workerUser;
    this.workerPassword = workerPassword;
    this.firstScreen = firstScreen;
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine engine) {
    IdentityService identity = engine.getIdentityService();
    AuthorizationService authorizations = engine.getAuthorizationService();
    boolean production = environment.acceptsProfiles(Profiles.of("postgres"));

    TASK_GROUPS.forEach((id, name) -> group(identity, id, name, Groups.GROUP_TYPE_WORKFLOW));
    group(identity, Groups.CAMUNDA_ADMIN, "Camunda administrators", Groups.GROUP_TYPE_SYSTEM);
    group(identity, WORKERS, "External-task workers", Groups.GROUP_TYPE_SYSTEM);

    List<String> printed = new ArrayList<>();
    if (identity.createUserQuery().userId(ADMIN_USER).count() == 0) {
      String password = adminPassword;
      if (password == null || password.isBlank()) {
        if (production) {
          throw new IllegalStateException("No admin user exists yet: set ORCHESTRATOR_ADMIN_PASSWORD "
              + "(property orchestrator.admin.password) for the first start in the 'postgres' profile");
        }
        password = GeneratedWorkerPassword.randomPassword();
        printed.add(ADMIN_USER + " / " + password);
      }
      user(identity, ADMIN_USER, password, Groups.CAMUNDA_ADMIN);
    }
    identity.createUserQuery().memberOfGroup(Groups.CAMUNDA_ADMIN).list().forEach(a -> identity.unlockUser(a.getId()));
    for (Resource resource : Resources.values()) {
      grant(authorizations, Groups.CAMUNDA_ADMIN, resource, "*", Permissions.ALL);
    }

    User worker = identity.createUserQuery().userId(workerUser).singleResult();
    if (worker == null) {
      user(identity, workerUser, workerPassword, WORKERS);
    } else {
      worker.setPassword(workerPassword);
      identity.saveUser(worker);
      identity.unlockUser(workerUser);
    }

    if (demoUsers && !production) {
      DEMO_USERS.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
        if (identity.createUserQuery().userId(e.getKey()).count() == 0) {
          String password = GeneratedWorkerPassword.randomPassword();
          user(identity, e.getKey(), password, e.getValue());
          printed.add(e.getKey() + " / " + password + "  (group " + e.getValue() + ")");
        }
      });
    }

    grantTaskGroups(authorizations);
    // operators start exactly the orchestrator's processes, not whatever else is deployed
    engine.getRepositoryService().createDeploymentQuery().deploymentName(ProcessDeployment.NAME)
        .orderByDeploymentTime().desc().listPage(0, 1).forEach(deployment -> engine.getRepositoryService()
            .createProcessDefinitionQuery().deploymentId(deployment.getId()).list().forEach(definition ->
                grant(authorizations, OPERATORS, Resources.PROCESS_DEFINITION, definition.getKey(), Permissions.CREATE_INSTANCE)));
    taskFilter(engine.getFilterService(), engine.getTaskService(), authorizations);

    // shown once, on the first screen at the end of the start; never logged
    firstScreen.usersCreated(printed);
  }

  private static void grantTaskGroups(AuthorizationService authorizations) {
    for (String group : TASK_GROUPS.keySet()) {
      grant(authorizations, group, Resources.APPLICATION, "tasklist", Permissions.ACCESS);
      grant(authorizations, group, Resources.PROCESS_DEFINITION, "*", Permissions.READ);
      grant(authorizations, group, Resources.USER, "*", Permissions.READ);
      grant(authorizations, group, Resources.GROUP, "*", Permissions.READ);
    }
    // operators start upgrades
    revoke(authorizations, OPERATORS, Resources.PROCESS_DEFINITION, "*", Permissions.CREATE_INSTANCE);
    grant(authorizations, OPERATORS, Resources.PROCESS_INSTANCE, "*", Permissions.CREATE);
    // managers follow everything in Cockpit, read-only
    grant(authorizations, MANAGERS, Resources.APPLICATION, "cockpit", Permissions.ACCESS);
    grant(authorizations, MANAGERS, Resources.PROCESS_DEFINITION, "*",
        Permissions.READ, Permissions.READ_INSTANCE, Permissions.READ_HISTORY, Permissions.READ_TASK);
    grant(authorizations, MANAGERS, Resources.PROCESS_INSTANCE, "*", Permissions.READ);
    grant(authorizations, MANAGERS, Resources.TASK, "*", Permissions.READ);
    grant(authorizations, MANAGERS, Resources.DEPLOYMENT, "*", Permissions.READ);
    grant(authorizations, MANAGERS, Resources.DECISION_DEFINITION, "*", Permissions.READ, Permissions.READ_HISTORY);
    grant(authorizations, MANAGERS, Resources.BATCH, "*", Permissions.READ);
    // workers fetch, lock, extend and complete external tasks
    grant(authorizations, WORKERS, Resources.PROCESS_DEFINITION, "*",
        Permissions.READ, Permissions.READ_INSTANCE, Permissions.UPDATE_INSTANCE);
    grant(authorizations, WORKERS, Resources.PROCESS_INSTANCE, "*", Permissions.READ, Permissions.UPDATE);
  }

  /** Takes back a permission an earlier version granted. */
  private static void revoke(AuthorizationService authorizations, String group, Resource resource, String resourceId,
      Permission permission) {
    Authorization existing = authorizations.createAuthorizationQuery().authorizationType(AUTH_TYPE_GRANT)
        .groupIdIn(group).resourceType(resource).resourceId(resourceId).singleResult();
    if (existing != null && existing.isPermissionGranted(permission)) {
      existing.removePermission(permission);
      authorizations.saveAuthorization(existing);
    }
  }

  private static void taskFilter(FilterService filters, TaskService tasks, AuthorizationService authorizations) {
    Filter filter = filters.createFilterQuery().filterName(TASK_FILTER).singleResult();
    if (filter == null) {
      filter = filters.newTaskFilter(TASK_FILTER)
          .setOwner(ADMIN_USER)
          .setProperties(Map.of("description", "Tasks of the groups you belong to", "priority", -10,
              "refresh", true))
          .setQuery(tasks.createTaskQuery().taskCandidateGroupInExpression("${currentUserGroups()}")
              .includeAssignedTasks());
      filters.saveFilter(filter);
    }
    for (String group : TASK_GROUPS.keySet()) {
      grant(authorizations, group, Resources.FILTER, filter.getId(), Permissions.READ);
    }
  }

  private static void group(IdentityService identity, String id, String name, String type) {
    if (identity.createGroupQuery().groupId(id).count() == 0) {
      var group = identity.newGroup(id);
      group.setName(name);
      group.setType(type);
      identity.saveGroup(group);
    }
  }

  private static void user(IdentityService identity, String id, String password, String group) {
    User user = identity.newUser(id);
    user.setPassword(password);
    user.setFirstName(id);
    user.setLastName(group);
    identity.saveUser(user);
    identity.createMembership(id, group);
  }

  /** Grants the permissions on the resource, adding to an existing grant instead of duplicating it. */
  private static void grant(AuthorizationService authorizations, String group, Resource resource,
      String resourceId, Permission... permissions) {
    Authorization existing = authorizations.createAuthorizationQuery().authorizationType(AUTH_TYPE_GRANT)
        .groupIdIn(group).resourceType(resource).resourceId(resourceId).singleResult();
    Authorization authorization = existing != null ? existing : authorizations.createNewAuthorization(AUTH_TYPE_GRANT);
    if (existing == null) {
      authorization.setGroupId(group);
      authorization.setResource(resource);
      authorization.setResourceId(resourceId);
    }
    boolean changed = existing == null;
    for (Permission permission : permissions) {
      if (!authorization.isPermissionGranted(permission)) {
        authorization.addPermission(permission);
        changed = true;
      }
    }
    if (changed) {
      authorizations.saveAuthorization(authorization);
    }
  }
}
