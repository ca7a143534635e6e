package org.dpi.upgrade.database;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;

/**
 * The PostgreSQL workers subscribe only when the MOSIP server is configured
 * ({@code orchestrator.database.server.host}, environment MOSIP_PGHOST); otherwise their tasks wait.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@ConditionalOnExpression("'${orchestrator.database.server.host:}' != ''")
@interface ConditionalOnDatabaseServer {
}
