package dev.crm.api;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The CRM core as one Spring Boot service: command API, query API and projections. */
@SpringBootApplication(scanBasePackages = "dev.crm")
public class CrmApplication {
  public static void main(String[] args) {
    SpringApplication.run(CrmApplication.class, args);
  }
}
