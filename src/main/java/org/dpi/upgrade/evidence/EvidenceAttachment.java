package org.dpi.upgrade.evidence;

import java.util.ArrayList;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.TaskService;
import org.camunda.bpm.engine.delegate.ExecutionListener;
import org.camunda.bpm.engine.history.HistoricProcessInstance;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.jobexecutor.JobHandler;
import org.camunda.bpm.engine.impl.jobexecutor.JobHandlerConfiguration;
import org.camunda.bpm.engine.impl.persistence.entity.AttachmentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ByteArrayEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ExecutionEntity;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.MessageEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.repository.ResourceTypes;
import org.camunda.bpm.engine.task.Attachment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Attaches the evidence pack (PDF) to every process instance when it ends, however it ends
 * (completed, rolled back, cancelled). The end of the instance only queues a job, in the same
 * transaction, so that the pack is printed after that transaction committed, with the complete
 * history, and is retried by the job executor if printing fails. The attachment belongs to the
 * instance ({@link TaskService#getProcessInstanceAttachments}) and shares its history's removal time.
 */
@Component
public class EvidenceAttachment extends AbstractProcessEnginePlugin implements JobHandler<EvidenceAttachment.Instance> {

  public static final String NAME = "evidence-pack.pdf";
  static final String JOB_TYPE = "evidence-pack";
  private static final Logger LOG = LoggerFactory.getLogger(EvidenceAttachment.class);

  private ProcessEngine engine;

  /** The job's configuration: the instance whose pack is attached. */
  public record Instance(String id) implements JobHandlerConfiguration {
    @Override
    public String toCanonicalString() {
      return id;
    }
  }

  /** The pack attached to the instance, or null. */
  public static Attachment find(TaskService tasks, String processInstanceId) {
    return tasks.getProcessInstanceAttachments(processInstanceId).stream()
        .filter(a -> NAME.equals(a.getName())).findFirst().orElse(null);
  }

  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    if (configuration.getCustomPostBPMNParseListeners() == null) {
      configuration.setCustomPostBPMNParseListeners(new ArrayList<>());
    }
    configuration.getCustomPostBPMNParseListeners().add(new AbstractBpmnParseListener() {
      @Override
      public void parseProcess(Element process, ProcessDefinitionEntity definition) {
        // built in: also runs when an instance is cancelled with skipCustomListeners
        definition.addBuiltInListener(ExecutionListener.EVENTNAME_END, (ExecutionListener) execution -> queue(execution.getProcessInstanceId()));
      }
    });
    if (configuration.getCustomJobHandlers() == null) {
      configuration.setCustomJobHandlers(new ArrayList<>());
    }
    configuration.getCustomJobHandlers().add(this);
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine processEngine) {
    this.engine = processEngine;
  }

  private static void queue(String processInstanceId) {
    MessageEntity job = new MessageEntity();
    job.setJobHandlerType(JOB_TYPE);
    job.setJobHandlerConfiguration(new Instance(processInstanceId));
    Context.getCommandContext().getJobManager().send(job);
  }

  @Override
  public String getType() {
    return JOB_TYPE;
  }

  @Override
  public void execute(Instance instance, ExecutionEntity execution, CommandContext context, String tenantId) {
    if (find(engine.getTaskService(), instance.id()) != null) {
      return;
    }
    HistoricProcessInstance ended = engine.getHistoryService().createHistoricProcessInstanceQuery()
        .processInstanceId(instance.id()).singleResult();
    if (ended == null) {
      LOG.warn("No history of process instance {}: no evidence pack attached", instance.id());
      return;
    }
    byte[] pdf = EvidencePdf.render(new EvidenceCollector(engine).collect(instance.id()));
    ByteArrayEntity content = new ByteArrayEntity(pdf, ResourceTypes.HISTORY);
    content.setName(NAME);
    content.setRootProcessInstanceId(ended.getRootProcessInstanceId());
    content.setRemovalTime(ended.getRemovalTime());
    context.getByteArrayManager().insertByteArray(content);
    AttachmentEntity attachment = new AttachmentEntity();
    attachment.setName(NAME);
    attachment.setDescription("Evidence pack printed when the instance ended");
    attachment.setType("application/pdf");
    attachment.setProcessInstanceId(instance.id());
    attachment.setRootProcessInstanceId(ended.getRootProcessInstanceId());
    attachment.setRemovalTime(ended.getRemovalTime());
    attachment.setCreateTime(ClockUtil.getCurrentTime());
    attachment.setContentId(content.getId());
    context.getDbEntityManager().insert(attachment);
    LOG.info("Evidence pack of {} attached ({} bytes)", instance.id(), pdf.length);
  }

  @Override
  public Instance newConfiguration(String canonicalString) {
    return new Instance(canonicalString);
  }

  @Override
  public void onDelete(Instance configuration, JobEntity jobEntity) {
  }
}
