package org.dpi.upgrade.security;

import java.util.ArrayList;
import java.util.List;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.persistence.GenericManagerFactory;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;
import org.dpi.upgrade.process.InputPaths;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Puts the gates into the engine, so that they hold for every client (REST API, webapps, Java API):
 * the {@link CommandGate} before every command, the {@link GateParseListener} on every deployed
 * diagram, the {@link AnswerScopeCheck} on every new deployment, and the {@link WorkerLoginPolicy}
 * user store.
 */
@Component
public class GatePlugin extends AbstractProcessEnginePlugin {

  private final InputPaths inputs;

  public GatePlugin(@Value("${orchestrator.inputs.root:}") String inputsRoot) {
    this.inputs = new InputPaths(inputsRoot);
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    CommandGate gate = new CommandGate(inputs);
    configuration.setCustomPostCommandInterceptorsTxRequired(add(configuration.getCustomPostCommandInterceptorsTxRequired(), gate));
    configuration.setCustomPostCommandInterceptorsTxRequiresNew(add(configuration.getCustomPostCommandInterceptorsTxRequiresNew(), gate));
    List<BpmnParseListener> listeners = configuration.getCustomPostBPMNParseListeners() == null
        ? new ArrayList<>() : new ArrayList<>(configuration.getCustomPostBPMNParseListeners());
    listeners.add(new GateParseListener());
    configuration.setCustomPostBPMNParseListeners(listeners);
    List<Deployer> deployers = configuration.getCustomPostDeployers() == null
        ? new ArrayList<>() : new ArrayList<>(configuration.getCustomPostDeployers());
    deployers.add(new AnswerScopeCheck());
    configuration.setCustomPostDeployers(deployers);
    configuration.setIdentityProviderSessionFactory(new GenericManagerFactory(WorkerLoginPolicy.class));
  }

  private static List<CommandInterceptor> add(List<CommandInterceptor> existing, CommandInterceptor gate) {
    List<CommandInterceptor> interceptors = existing == null ? new ArrayList<>() : new ArrayList<>(existing);
    interceptors.add(gate);
    return interceptors;
  }
}
