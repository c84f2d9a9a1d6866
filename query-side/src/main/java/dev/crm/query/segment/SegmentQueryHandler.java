package dev.crm.query.segment;

import static dev.crm.db.jooq.Tables.CONTACT;
import static dev.crm.db.jooq.Tables.SEGMENT;
import static dev.crm.db.jooq.Tables.SEGMENT_MEMBERSHIP;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.crm.query.contact.ContactQueries.ContactPage;
import dev.crm.query.contact.ContactQueries.ContactView;
import dev.crm.query.contact.ContactQueryHandler;
import dev.crm.query.segment.SegmentQueries.CheckContactFilter;
import dev.crm.query.segment.SegmentQueries.ContactCount;
import dev.crm.query.segment.SegmentQueries.CountContactsMatching;
import dev.crm.query.segment.SegmentQueries.CountSegmentContacts;
import dev.crm.query.segment.SegmentQueries.FindSegmentById;
import dev.crm.query.segment.SegmentQueries.ListContactsMatching;
import dev.crm.query.segment.SegmentQueries.ListSegments;
import dev.crm.query.segment.SegmentQueries.SegmentPage;
import dev.crm.query.segment.SegmentQueries.SegmentView;
import dev.crm.query.shared.Ids;
import dev.crm.query.shared.Keyset;
import dev.crm.query.shared.ListRequest;
import dev.crm.query.shared.Page;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.queryhandling.QueryHandler;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.Record;
import org.springframework.stereotype.Component;

/**
 * Answers filter queries from the contact read table and segment queries from the segment read
 * table, always inside the caller's tenant.
 */
@Component
public class SegmentQueryHandler {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DSLContext db;
  private final ContactFilterCompiler compiler;

  public SegmentQueryHandler(DSLContext db, Clock clock) {
    this.db = db;
    this.compiler = new ContactFilterCompiler(db, clock);
  }

  @QueryHandler
  public ContactCount handle(CountContactsMatching query) {
    Condition where = compiler.compile(UUID.fromString(query.tenantId()), query.filter());
    return new ContactCount(db.fetchCount(CONTACT, where));
  }

  /** One row read for a kept segment, whatever its size; a scan for one counted live. */
  @QueryHandler
  public Optional<ContactCount> handle(CountSegmentContacts query) {
    Optional<UUID> id = Ids.parse(query.segmentId());
    if (id.isEmpty()) {
      return Optional.empty();
    }
    UUID tenant = UUID.fromString(query.tenantId());
    return db.select(SEGMENT.DEFINITION, SEGMENT_MEMBERSHIP.MEMBERS)
        .from(SEGMENT)
        .leftJoin(SEGMENT_MEMBERSHIP)
        .on(
            SEGMENT_MEMBERSHIP.TENANT_ID.eq(SEGMENT.TENANT_ID),
            SEGMENT_MEMBERSHIP.SEGMENT_ID.eq(SEGMENT.ID))
        .where(SEGMENT.TENANT_ID.eq(tenant), SEGMENT.ID.eq(id.get()), SEGMENT.DELETED.isFalse())
        .fetchOptional()
        .map(
            r ->
                new ContactCount(
                    r.value2() != null
                        ? r.value2()
                        : db.fetchCount(CONTACT, compiler.compile(tenant, filter(r.value1())))));
  }

  @QueryHandler
  public ContactPage handle(ListContactsMatching query) {
    Condition where = compiler.compile(UUID.fromString(query.tenantId()), query.filter());
    Page<ContactView> page =
        Keyset.page(
            db,
            CONTACT,
            List.of(CONTACT.fields()),
            where,
            ContactQueryHandler.sortKey(query.page().sort()),
            CONTACT.ID,
            query.page(),
            ContactQueryHandler::view);
    return new ContactPage(page.items(), page.nextCursor());
  }

  @QueryHandler
  public Boolean handle(CheckContactFilter query) {
    compiler.compile(UUID.fromString(query.tenantId()), query.filter());
    return Boolean.TRUE;
  }

  @QueryHandler
  public Optional<SegmentView> handle(FindSegmentById query) {
    Optional<UUID> id = Ids.parse(query.segmentId());
    if (id.isEmpty()) {
      return Optional.empty();
    }
    return db.selectFrom(SEGMENT)
        .where(
            SEGMENT.TENANT_ID.eq(UUID.fromString(query.tenantId())),
            SEGMENT.ID.eq(id.get()),
            SEGMENT.DELETED.isFalse())
        .fetchOptional(SegmentQueryHandler::view);
  }

  /** Segments are listed by name; the request's sort is ignored. */
  @QueryHandler
  public SegmentPage handle(ListSegments query) {
    ListRequest byName =
        new ListRequest(
            ListRequest.Sort.NAME,
            query.page().descending(),
            query.page().cursor(),
            query.page().limit());
    return SegmentPage.of(
        Keyset.page(
            db,
            SEGMENT,
            List.of(SEGMENT.fields()),
            SEGMENT.TENANT_ID.eq(UUID.fromString(query.tenantId())).and(SEGMENT.DELETED.isFalse()),
            SEGMENT.SORT_NAME,
            SEGMENT.ID,
            byName,
            SegmentQueryHandler::view));
  }

  private static SegmentView view(Record r) {
    return new SegmentView(
        r.get(SEGMENT.ID).toString(),
        r.get(SEGMENT.VERSION),
        r.get(SEGMENT.NAME),
        definition(r),
        r.get(SEGMENT.CREATED_AT),
        r.get(SEGMENT.UPDATED_AT));
  }

  private static SegmentFilter definition(Record r) {
    return filter(r.get(SEGMENT.DEFINITION));
  }

  /** A definition as the segment table stores it, in the API's shape. */
  static SegmentFilter filter(JSONB definition) {
    try {
      return JSON.readValue(definition.data(), SegmentFilter.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
