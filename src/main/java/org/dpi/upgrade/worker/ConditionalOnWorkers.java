package org.dpi.upgrade.worker;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * A worker subscribes only when its capability is listed in {@code orchestrator.workers}
 * (environment {@code ORCHESTRATOR_WORKERS}, e.g. {@code kubernetes,helm,database,objectstore,config}).
 * A capability that is not listed leaves its tasks waiting, visibly, in Cockpit.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Conditional(ConditionalOnWorkers.Listed.class)
public @interface ConditionalOnWorkers {

  /** The capability: kubernetes, helm, database, objectstore or config. */
  String value();

  class Listed implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      String capability = (String) metadata.getAnnotationAttributes(ConditionalOnWorkers.class.getName()).get("value");
      List<String> listed = Binder.get(context.getEnvironment())
          .bind("orchestrator.workers", Bindable.listOf(String.class)).orElse(List.of());
      return listed.stream().map(String::trim).anyMatch(capability::equals);
    }
  }
}
