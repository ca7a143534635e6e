package org.dpi.upgrade.security;

import java.time.Clock;
import java.time.Duration;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.rest.security.auth.ProcessEngineAuthenticationFilter;
import org.camunda.bpm.engine.rest.security.auth.impl.HttpBasicAuthenticationProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.jersey.ResourceConfigCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The REST API answers only authenticated users (HTTP Basic); authorizations and the engine's
 * {@link CommandGate} then apply per user. In front: the per-address limit on failed logins (REST API
 * and webapp login); behind the authentication: the worker account's endpoint allowlist. Refusals
 * are answered 400/403 with their one-line message ({@link RefusalMapper}).
 */
@Configuration
public class RestApiSecurity {

  static final String REST = "/engine-rest/*";

  @Bean
  ResourceConfigCustomizer refusals() {
    return config -> config.register(RefusalMapper.class);
  }

  @Bean
  FilterRegistrationBean<LoginThrottle> loginThrottle(
      @Value("${orchestrator.security.login-failures-per-address:10}") int maxFailures,
      @Value("${orchestrator.security.login-failure-window:PT15M}") Duration window) {
    var registration = new FilterRegistrationBean<>(new LoginThrottle(maxFailures, window, Clock.systemUTC()));
    registration.setName("login-throttle");
    registration.addUrlPatterns(REST, "/camunda/api/admin/auth/user/*");
    registration.setOrder(1);
    return registration;
  }

  @Bean
  FilterRegistrationBean<ProcessEngineAuthenticationFilter> restAuthentication() {
    var registration = new FilterRegistrationBean<>(new ProcessEngineAuthenticationFilter());
    registration.setName("engine-rest-authentication");
    registration.addInitParameter("authentication-provider", HttpBasicAuthenticationProvider.class.getName());
    registration.addUrlPatterns(REST);
    registration.setOrder(2);
    return registration;
  }

  @Bean
  FilterRegistrationBean<WorkerEndpoints> workerEndpoints(ProcessEngine engine) {
    var registration = new FilterRegistrationBean<>(new WorkerEndpoints(engine.getIdentityService()));
    registration.setName("worker-endpoints");
    registration.addUrlPatterns(REST);
    registration.setOrder(3);
    return registration;
  }
}
