package dev.crm.query.customfield;

import static dev.crm.db.jooq.Tables.CUSTOM_FIELD_DEFINITION;

import dev.crm.db.jooq.tables.records.CustomFieldDefinitionRecord;
import dev.crm.query.customfield.CustomFieldQueries.CustomFieldDefinitionList;
import dev.crm.query.customfield.CustomFieldQueries.CustomFieldDefinitionView;
import dev.crm.query.customfield.CustomFieldQueries.FindCustomFieldDefinition;
import dev.crm.query.customfield.CustomFieldQueries.ListCustomFieldDefinitions;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/** Answers custom field definition queries from their read table, inside the caller's tenant. */
@Component
public class CustomFieldQueryHandler {
  private static final dev.crm.db.jooq.tables.CustomFieldDefinition T = CUSTOM_FIELD_DEFINITION;

  private final DSLContext db;

  public CustomFieldQueryHandler(DSLContext db) {
    this.db = db;
  }

  @QueryHandler
  public CustomFieldDefinitionList handle(ListCustomFieldDefinitions query) {
    return new CustomFieldDefinitionList(
        db.selectFrom(T)
            .where(inUse(query.tenantId(), query.objectType()))
            .orderBy(T.KEY)
            .fetch(CustomFieldQueryHandler::view));
  }

  @QueryHandler
  public Optional<CustomFieldDefinitionView> handle(FindCustomFieldDefinition query) {
    return db.selectFrom(T)
        .where(inUse(query.tenantId(), query.objectType()), T.KEY.eq(query.key()))
        .fetchOptional(CustomFieldQueryHandler::view);
  }

  private static Condition inUse(String tenantId, String objectType) {
    return T.TENANT_ID
        .eq(UUID.fromString(tenantId))
        .and(T.OBJECT_TYPE.eq(objectType))
        .and(T.REMOVED.isFalse());
  }

  private static CustomFieldDefinitionView view(CustomFieldDefinitionRecord r) {
    return new CustomFieldDefinitionView(
        r.getKey(),
        r.getVersion(),
        r.getLabel(),
        r.getType(),
        r.getRequired(),
        List.of(r.getOptions()),
        r.getCurrency());
  }
}
