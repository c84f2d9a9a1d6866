package dev.crm.infra.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Warns at start when PostgreSQL runs without autovacuum: its tables are then never analyzed, and
 * the planner keeps choosing plans made for empty tables as they grow (an import's batch lookup
 * went from 3 ms to 2 s at 130K contacts on such a server).
 */
@Component
class PostgresSettingsCheck {
  private static final Logger log = LoggerFactory.getLogger(PostgresSettingsCheck.class);

  private final DataSource dataSource;

  PostgresSettingsCheck(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @EventListener(ApplicationReadyEvent.class)
  void checkAutovacuum() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("show autovacuum")) {
      if (rs.next() && "off".equals(rs.getString(1))) {
        log.warn(
            "PostgreSQL runs with autovacuum=off: tables are never analyzed and queries slow down"
                + " as they grow. Turn it on (ALTER SYSTEM SET autovacuum = on) or ANALYZE on a"
                + " schedule.");
      }
    } catch (SQLException e) {
      log.warn("could not read PostgreSQL's autovacuum setting: {}", e.getMessage());
    }
  }
}
