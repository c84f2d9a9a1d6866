package dev.crm.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The CRM core as one Spring Boot service: command API, query API and projections. */
@SpringBootApplication(
    scanBasePackages = "dev.crm",
    // Callers authenticate with API keys only; there are no users or passwords.
    exclude = UserDetailsServiceAutoConfiguration.class)
@EnableScheduling
public class CrmApplication {
  public static void main(String[] args) {
    // Axon reports usage to its vendor unless told not to; a CRM holding customer data must not
    // phone home by default. Operators may still opt in by setting the property themselves.
    if (System.getProperty("axoniq.update-checker.disabled") == null) {
      System.setProperty("axoniq.update-checker.disabled", "true");
    }
    SpringApplication.run(CrmApplication.class, args);
  }
}
