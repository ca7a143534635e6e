package org.dpi.upgrade.sandbox;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * In a sandbox run, every page of the webapps (Tasklist, Cockpit, Admin, Welcome) carries the
 * notice {@value Sandbox#NOTICE} at its top: Camunda loads {@code styles/user-styles.css} on every
 * page, and here that file is answered with its own content plus the notice.
 */
@Configuration
@ConditionalOnProperty(SandboxMode.ACTIVE)
public class SandboxBanner {

  static final List<String> APPS = List.of("tasklist", "cockpit", "admin", "welcome");
  static final String CSS = """

      /* %1$s */
      body::before {
        content: "%1$s";
        position: fixed; top: 0; left: 50%%; transform: translateX(-50%%); z-index: 100000;
        padding: 3px 18px; border-radius: 0 0 6px 6px; pointer-events: none;
        background: #b3261e; color: #fff; font: bold 14px/1.5 sans-serif; letter-spacing: .04em;
      }
      """.formatted(Sandbox.NOTICE);

  @Bean
  FilterRegistrationBean<Filter> sandboxBannerFilter(@Value("${camunda.bpm.webapp.application-path:/camunda}") String webapps) {
    Filter banner = (request, response, chain) -> {
      String path = ((HttpServletRequest) request).getRequestURI();
      String app = path.substring(webapps.length() + "/app/".length(), path.indexOf("/styles/"));
      HttpServletResponse http = (HttpServletResponse) response;
      http.setContentType("text/css;charset=UTF-8");
      http.setHeader("Cache-Control", "no-store");
      http.getOutputStream().write((original(app) + CSS).getBytes(StandardCharsets.UTF_8));
    };
    FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(banner);
    registration.setName("sandbox-banner");
    APPS.forEach(app -> registration.addUrlPatterns(webapps + "/app/" + app + "/styles/user-styles.css"));
    return registration;
  }

  /** The app's user-styles.css as the application ships it (Camunda's, or one of this project's). */
  private static String original(String app) throws IOException {
    String resource = "META-INF/resources/webjars/camunda/app/" + app + "/styles/user-styles.css";
    try (InputStream in = SandboxBanner.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
