package dev.crm.projections.segment;

import static dev.crm.db.jooq.Tables.CONTACT;
import static dev.crm.db.jooq.Tables.SEGMENT;
import static dev.crm.db.jooq.Tables.SEGMENT_MEMBER;
import static dev.crm.db.jooq.Tables.SEGMENT_MEMBERSHIP;
import static org.jooq.impl.DSL.any;
import static org.jooq.impl.DSL.condition;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.deleteFrom;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.insertInto;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.or;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.update;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.when;

import dev.crm.infra.segment.SavedSegmentConditions;
import dev.crm.infra.segment.SavedSegmentConditions.Compiled;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.JSONB;
import org.jooq.Record3;
import org.jooq.Result;
import org.jooq.Table;
import org.springframework.stereotype.Component;

/**
 * Keeps saved segments' members ({@code segment_member}) and counts ({@code segment_membership}).
 * The projections call it inside their own transactions, after their writes: contacts that changed
 * are evaluated again for every kept segment of their tenant, contacts of changed companies for the
 * segments that name company fields, redefined segments and the segments that name a changed custom
 * field are rebuilt. Each evaluation runs the same compiled filter as a live query ({@link
 * SavedSegmentConditions}), on the rows as this transaction sees them.
 *
 * <p>Every call first takes a transaction-scoped advisory lock per tenant. Under PostgreSQL's read
 * committed isolation each statement then sees every transaction that maintained the tenant's
 * members before this one, so the last writer of any input (a contact, its company, a definition)
 * evaluates it against everything committed before: members stay exactly what a live query would
 * select, whichever projection commits first.
 */
@Component
public class SegmentMembers {
  /** The first key of the advisory locks taken here; the second is the tenant's hash. */
  static final int LOCK_CLASS = 0x5E63E3B;

  private static final Condition NAMES_COMPANY_FIELD =
      condition(
          "jsonb_path_exists({0}, {1}::jsonpath)",
          SEGMENT.DEFINITION,
          inline("$.groups[*].filters[*].field ? (@ starts with \"company.\")"));

  /** Whether a definition names the field bound as {@code $f}. */
  private static final String NAMES_FIELD = "$.groups[*].filters[*].field ? (@ == $f)";

  private final DSLContext db;
  private final SavedSegmentConditions conditions;

  public SegmentMembers(DSLContext db, SavedSegmentConditions conditions) {
    this.db = db;
    this.conditions = conditions;
  }

  /** Evaluates these contacts again for every kept segment of their tenant. */
  public void contactsChanged(Map<UUID, Set<UUID>> contactsByTenant) {
    refreshContactsWith(CONTACT.ID, contactsByTenant, noCondition());
  }

  /** Evaluates the contacts of these companies again for the segments naming company fields. */
  public void companiesChanged(Map<UUID, Set<UUID>> companiesByTenant) {
    refreshContactsWith(CONTACT.COMPANY_ID, companiesByTenant, NAMES_COMPANY_FIELD);
  }

  /** Evaluates the contacts whose {@code key} is one of the ids, for the segments selected. */
  private void refreshContactsWith(
      Field<UUID> key, Map<UUID, Set<UUID>> idsByTenant, Condition segments) {
    lock(idsByTenant.keySet());
    idsByTenant.forEach(
        (tenant, ids) -> {
          Condition scope = key.eq(any(ids.toArray(UUID[]::new)));
          keptSegments(tenant, segments).forEach(s -> refresh(tenant, s, scope));
        });
  }

  /** Rebuilds these segments (created, redefined or deleted) from the contacts now. */
  public void segmentsChanged(Map<UUID, Set<UUID>> segmentsByTenant) {
    lock(segmentsByTenant.keySet());
    segmentsByTenant.forEach((tenant, segments) -> segments.forEach(s -> rebuild(tenant, s)));
  }

  /**
   * Rebuilds the segments that name these fields ({@code custom.<key>}): a changed or removed
   * definition can change what the filter selects or whether it still compiles.
   */
  public void fieldsChanged(Map<UUID, Set<String>> fieldsByTenant) {
    lock(fieldsByTenant.keySet());
    fieldsByTenant.forEach(
        (tenant, fields) ->
            db.select(SEGMENT.ID)
                .from(SEGMENT)
                .where(
                    SEGMENT.TENANT_ID.eq(tenant),
                    SEGMENT.DELETED.isFalse(),
                    or(fields.stream().map(SegmentMembers::namesField).toList()))
                .fetch(SEGMENT.ID)
                .forEach(s -> rebuild(tenant, s)));
  }

  /**
   * Builds the segment if it has never been evaluated (it was saved before members were kept);
   * returns whether it did.
   */
  boolean buildIfMissing(UUID tenant, UUID segment) {
    lock(Set.of(tenant));
    boolean missing =
        !db.fetchExists(
            SEGMENT_MEMBERSHIP,
            SEGMENT_MEMBERSHIP.TENANT_ID.eq(tenant),
            SEGMENT_MEMBERSHIP.SEGMENT_ID.eq(segment));
    if (missing) {
      rebuild(tenant, segment);
    }
    return missing;
  }

  private static Condition namesField(String field) {
    return condition(
        "jsonb_path_exists({0}, {1}::jsonpath, jsonb_build_object('f', {2}::text))",
        SEGMENT.DEFINITION, inline(NAMES_FIELD), val(field));
  }

  /** A kept segment: its id and definition. */
  private record Kept(UUID id, JSONB definition) {}

  private Collection<Kept> keptSegments(UUID tenant, Condition segments) {
    Result<Record3<UUID, JSONB, Long>> rows =
        db.select(SEGMENT.ID, SEGMENT.DEFINITION, SEGMENT_MEMBERSHIP.MEMBERS)
            .from(SEGMENT)
            .join(SEGMENT_MEMBERSHIP)
            .on(
                SEGMENT_MEMBERSHIP.TENANT_ID.eq(SEGMENT.TENANT_ID),
                SEGMENT_MEMBERSHIP.SEGMENT_ID.eq(SEGMENT.ID))
            .where(
                SEGMENT.TENANT_ID.eq(tenant),
                SEGMENT.DELETED.isFalse(),
                SEGMENT_MEMBERSHIP.MEMBERS.isNotNull(),
                segments)
            .orderBy(SEGMENT.ID)
            .fetch();
    return rows.map(r -> new Kept(r.value1(), r.value2()));
  }

  /** The contacts a refresh evaluates, and whether each matches the segment's filter. */
  private static final Table<?> SCOPE = table(name("scope"));

  private static final Field<UUID> SCOPE_ID = field(name("scope", "id"), UUID.class);
  private static final Field<Boolean> SCOPE_MATCHES =
      field(name("scope", "matches"), Boolean.class);

  /**
   * Evaluates the contacts in {@code scope} again for one kept segment, in one statement: the
   * contacts in scope with whether each matches (null-safe), members that no longer match deleted,
   * new matches inserted, the count moved by the difference. One statement per segment and batch
   * also keeps its plan simple enough that a generic (prepared) plan stays an index lookup: a
   * delete with two subqueries had become a scan of the segment's members.
   */
  private void refresh(UUID tenant, Kept segment, Condition scope) {
    Compiled compiled = conditions.compile(tenant, segment.definition());
    if (!compiled.isKept()) {
      // Only a rebuild turns a kept segment live; it does so under this same lock.
      rebuild(tenant, segment.id());
      return;
    }
    var inScope =
        select(
                CONTACT.ID.as(SCOPE_ID.getUnqualifiedName()),
                when(compiled.condition(), inline(true))
                    .otherwise(inline(false))
                    .as(SCOPE_MATCHES.getUnqualifiedName()))
            .from(CONTACT)
            .where(CONTACT.TENANT_ID.eq(tenant), scope);
    var removed =
        deleteFrom(SEGMENT_MEMBER)
            .using(SCOPE)
            .where(
                SEGMENT_MEMBER.TENANT_ID.eq(tenant),
                SEGMENT_MEMBER.SEGMENT_ID.eq(segment.id()),
                SEGMENT_MEMBER.CONTACT_ID.eq(SCOPE_ID),
                SCOPE_MATCHES.isFalse())
            .returningResult(SEGMENT_MEMBER.CONTACT_ID);
    var added =
        insertInto(
                SEGMENT_MEMBER,
                SEGMENT_MEMBER.TENANT_ID,
                SEGMENT_MEMBER.SEGMENT_ID,
                SEGMENT_MEMBER.CONTACT_ID)
            .select(
                select(val(tenant), val(segment.id()), SCOPE_ID).from(SCOPE).where(SCOPE_MATCHES))
            .onConflictDoNothing()
            .returningResult(SEGMENT_MEMBER.CONTACT_ID);
    Field<Integer> addedCount = field(select(count()).from(name("added")));
    Field<Integer> removedCount = field(select(count()).from(name("removed")));
    var moveCount =
        update(SEGMENT_MEMBERSHIP)
            .set(
                SEGMENT_MEMBERSHIP.MEMBERS,
                SEGMENT_MEMBERSHIP.MEMBERS.plus(addedCount).minus(removedCount))
            .where(
                SEGMENT_MEMBERSHIP.TENANT_ID.eq(tenant),
                SEGMENT_MEMBERSHIP.SEGMENT_ID.eq(segment.id()),
                addedCount.ne(removedCount));
    db.execute(
        "WITH scope AS MATERIALIZED ({0}), removed AS ({1}), added AS ({2}) {3}",
        inScope, removed, added, moveCount);
  }

  /** Builds a segment's members from scratch, or records why it is counted live. */
  private void rebuild(UUID tenant, UUID segmentId) {
    db.deleteFrom(SEGMENT_MEMBER)
        .where(SEGMENT_MEMBER.TENANT_ID.eq(tenant), SEGMENT_MEMBER.SEGMENT_ID.eq(segmentId))
        .execute();
    var segment =
        db.select(SEGMENT.VERSION, SEGMENT.DEFINITION)
            .from(SEGMENT)
            .where(
                SEGMENT.TENANT_ID.eq(tenant), SEGMENT.ID.eq(segmentId), SEGMENT.DELETED.isFalse())
            .fetchOne();
    if (segment == null) {
      db.deleteFrom(SEGMENT_MEMBERSHIP)
          .where(
              SEGMENT_MEMBERSHIP.TENANT_ID.eq(tenant), SEGMENT_MEMBERSHIP.SEGMENT_ID.eq(segmentId))
          .execute();
      return;
    }
    Compiled compiled = conditions.compile(tenant, segment.value2());
    Long members = null;
    if (compiled.isKept()) {
      members =
          (long)
              db.insertInto(
                      SEGMENT_MEMBER,
                      SEGMENT_MEMBER.TENANT_ID,
                      SEGMENT_MEMBER.SEGMENT_ID,
                      SEGMENT_MEMBER.CONTACT_ID)
                  .select(
                      select(val(tenant), val(segmentId), CONTACT.ID)
                          .from(CONTACT)
                          .where(compiled.condition()))
                  .execute();
    }
    String liveReason = compiled.isKept() ? null : compiled.liveReason().column();
    db.insertInto(SEGMENT_MEMBERSHIP)
        .set(SEGMENT_MEMBERSHIP.TENANT_ID, tenant)
        .set(SEGMENT_MEMBERSHIP.SEGMENT_ID, segmentId)
        .set(SEGMENT_MEMBERSHIP.SEGMENT_VERSION, segment.value1())
        .set(SEGMENT_MEMBERSHIP.MEMBERS, members)
        .set(SEGMENT_MEMBERSHIP.LIVE_REASON, liveReason)
        .set(SEGMENT_MEMBERSHIP.BUILT_AT, currentOffsetDateTime())
        .onConflict(SEGMENT_MEMBERSHIP.TENANT_ID, SEGMENT_MEMBERSHIP.SEGMENT_ID)
        .doUpdate()
        .set(SEGMENT_MEMBERSHIP.SEGMENT_VERSION, excluded(SEGMENT_MEMBERSHIP.SEGMENT_VERSION))
        .set(SEGMENT_MEMBERSHIP.MEMBERS, excluded(SEGMENT_MEMBERSHIP.MEMBERS))
        .set(SEGMENT_MEMBERSHIP.LIVE_REASON, excluded(SEGMENT_MEMBERSHIP.LIVE_REASON))
        .set(SEGMENT_MEMBERSHIP.BUILT_AT, excluded(SEGMENT_MEMBERSHIP.BUILT_AT))
        .execute();
  }

  /**
   * Takes the tenants' locks in one order (by key), so that two transactions locking several
   * tenants cannot deadlock; tenants whose hashes collide share a lock, which only serializes them.
   */
  private void lock(Collection<UUID> tenants) {
    Set<Integer> keys = new TreeSet<>();
    tenants.forEach(t -> keys.add(t.hashCode()));
    for (int key : keys) {
      db.execute("SELECT pg_advisory_xact_lock({0}, {1})", val(LOCK_CLASS), val(key));
    }
  }
}
