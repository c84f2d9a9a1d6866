package dev.crm.api.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Makes sure someone can create the first tenant. With {@code CRM_BOOTSTRAP_ADMIN_KEY} set, that
 * value is the platform-admin key. Without it, a start that finds no key file issues a key and
 * writes it to that file, readable only by the service's user; the log names the file, never the
 * key. Production installations set the variable; the file is for local use.
 */
@Component
class BootstrapAdminKey implements ApplicationRunner {
  private static final Logger log = LoggerFactory.getLogger(BootstrapAdminKey.class);

  /** Shorter operator-chosen keys would be guessable. */
  private static final int MIN_LENGTH = 24;

  private final ApiKeys keys;
  private final String configured;
  private final Path keyFile;

  BootstrapAdminKey(
      ApiKeys keys,
      @Value("${CRM_BOOTSTRAP_ADMIN_KEY:}") String configured,
      @Value("${crm.bootstrap-key-file:.crm/bootstrap-admin-key}") Path keyFile) {
    this.keys = keys;
    this.configured = configured;
    this.keyFile = keyFile;
  }

  @Override
  public void run(ApplicationArguments args) throws IOException {
    if (!configured.isBlank()) {
      if (configured.length() < MIN_LENGTH) {
        throw new IllegalStateException(
            "CRM_BOOTSTRAP_ADMIN_KEY must be at least " + MIN_LENGTH + " characters long");
      }
      keys.putBootstrapKey(configured);
      log.info("Platform-admin key taken from CRM_BOOTSTRAP_ADMIN_KEY");
      return;
    }
    Path file = keyFile.toAbsolutePath();
    if (Files.exists(file)) {
      return;
    }
    ApiKeys.IssuedKey issued = keys.issue(null, "generated at start", Role.PLATFORM_ADMIN);
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, issued.secret() + System.lineSeparator());
    log.warn(
        "No CRM_BOOTSTRAP_ADMIN_KEY was set: a platform-admin key was generated and written to {}",
        file);
  }
}
