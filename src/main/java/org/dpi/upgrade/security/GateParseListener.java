package org.dpi.upgrade.security;

import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.HistoricProcessInstancePermissions;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resource;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.AuthorizationEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.xml.Element;

/**
 * Adds to every deployed process what its diagram must not be able to forget: the user who starts
 * an instance may read it and its history (authorizations created at the start, for the start user).
 */
public class GateParseListener extends AbstractBpmnParseListener {

  @Override
  public void parseProcess(Element processElement, ProcessDefinitionEntity processDefinition) {
    processDefinition.addListener(ExecutionListener.EVENTNAME_START, (ExecutionListener) GateParseListener::grantStarter);
  }

  /** READ on the new instance and on its history, for the authenticated user who starts it. */
  static void grantStarter(DelegateExecution execution) {
    CommandContext context = Context.getCommandContext();
    String user = context.getAuthenticatedUserId();
    if (user == null || !execution.getId().equals(execution.getProcessInstanceId())) {
      return;
    }
    context.runWithoutAuthorization(() -> {
      grant(context, user, Resources.PROCESS_INSTANCE, execution.getProcessInstanceId(), Permissions.READ);
      grant(context, user, Resources.HISTORIC_PROCESS_INSTANCE, execution.getProcessInstanceId(),
          HistoricProcessInstancePermissions.READ);
      return null;
    });
  }

  private static void grant(CommandContext context, String user, Resource resource, String id,
      org.camunda.bpm.engine.authorization.Permission permission) {
    AuthorizationEntity authorization = new AuthorizationEntity(Authorization.AUTH_TYPE_GRANT);
    authorization.setUserId(user);
    authorization.setResource(resource);
    authorization.setResourceId(id);
    authorization.addPermission(permission);
    context.getAuthorizationManager().insert(authorization);
  }
}
