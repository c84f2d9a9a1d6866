package dev.crm.api.segment;

import static dev.crm.db.jooq.Tables.CUSTOM_FIELD_DEFINITION;

import dev.crm.api.segment.FilterOracle.CustomField;
import dev.crm.api.segment.FilterOracle.Firm;
import dev.crm.api.segment.FilterOracle.Person;
import dev.crm.db.jooq.tables.records.CompanyRecord;
import dev.crm.db.jooq.tables.records.ContactRecord;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Locale;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes read-table rows directly, for what the API cannot create yet (custom field definitions,
 * logged activities): the query side reads these tables and nothing else.
 */
final class ReadRows {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private ReadRows() {}

  static void definition(DSLContext db, String tenantId, CustomField field, boolean removed) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    db.insertInto(CUSTOM_FIELD_DEFINITION)
        .set(CUSTOM_FIELD_DEFINITION.TENANT_ID, UUID.fromString(tenantId))
        .set(CUSTOM_FIELD_DEFINITION.OBJECT_TYPE, "contact")
        .set(CUSTOM_FIELD_DEFINITION.KEY, field.key())
        .set(CUSTOM_FIELD_DEFINITION.VERSION, 0L)
        .set(CUSTOM_FIELD_DEFINITION.LABEL, field.key())
        .set(CUSTOM_FIELD_DEFINITION.TYPE, field.type())
        .set(CUSTOM_FIELD_DEFINITION.OPTIONS, field.options().toArray(String[]::new))
        .set(CUSTOM_FIELD_DEFINITION.REMOVED, removed)
        .set(CUSTOM_FIELD_DEFINITION.CREATED_AT, now)
        .set(CUSTOM_FIELD_DEFINITION.UPDATED_AT, now)
        .execute();
  }

  static void firms(DSLContext db, String tenantId, Collection<Firm> firms) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    for (Firm f : firms) {
      db.executeInsert(
          new CompanyRecord(
              UUID.fromString(tenantId),
              UUID.fromString(f.id()),
              0L,
              f.name(),
              f.name().toLowerCase(Locale.ROOT),
              null,
              f.industry(),
              f.sizeBand(),
              null,
              null,
              f.status(),
              "MEDIUM",
              null,
              false,
              now,
              now));
    }
  }

  static void people(DSLContext db, String tenantId, Collection<Person> people) {
    for (Person p : people) {
      db.executeInsert(
          new ContactRecord(
              UUID.fromString(tenantId),
              UUID.fromString(p.id()),
              0L,
              p.firstName(),
              p.lastName(),
              ((p.lastName() == null ? "" : p.lastName())
                      + " "
                      + (p.firstName() == null ? "" : p.firstName()))
                  .strip()
                  .toLowerCase(Locale.ROOT),
              p.email(),
              new String[0],
              new String[0],
              p.companyId() == null ? null : UUID.fromString(p.companyId()),
              p.ownerId(),
              p.stage(),
              p.leadScore(),
              p.tags().stream().sorted().toArray(String[]::new),
              p.optInEmail(),
              p.optInSms(),
              p.optInCall(),
              JSONB.valueOf(JSON.writeValueAsString(p.customFields())),
              p.archived(),
              utc(p.lastActivityAt()),
              p.activityCount(),
              utc(p.createdAt()),
              utc(p.updatedAt())));
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }
}
