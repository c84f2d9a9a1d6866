package dev.crm.projections.segment;

import static dev.crm.db.jooq.Tables.SEGMENT;
import static dev.crm.db.jooq.Tables.SEGMENT_MEMBERSHIP;
import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.selectOne;

import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds the members of saved segments that were never evaluated: segments saved before members
 * were kept. Projections evaluate every segment they write in the same transaction, so after the
 * first run this finds nothing; it runs at start and then every few minutes, one segment per short
 * transaction, and any node may run it (the tenant lock makes the second a no-op). Until a segment
 * is built its count is computed live.
 */
@Component
public class SegmentMembershipBackfill {
  private static final Logger log = LoggerFactory.getLogger(SegmentMembershipBackfill.class);

  private final DSLContext db;
  private final SegmentMembers members;
  private final TransactionTemplate transaction;

  public SegmentMembershipBackfill(
      DSLContext db, SegmentMembers members, PlatformTransactionManager transactions) {
    this.db = db;
    this.members = members;
    this.transaction = new TransactionTemplate(transactions);
  }

  @Scheduled(
      initialDelayString = "${crm.segments.backfill.initial-delay:PT5S}",
      fixedDelayString = "${crm.segments.backfill.interval:PT5M}")
  public void buildMissing() {
    int built = 0;
    for (Record2<UUID, UUID> segment :
        db.select(SEGMENT.TENANT_ID, SEGMENT.ID)
            .from(SEGMENT)
            .where(
                SEGMENT.DELETED.isFalse(),
                notExists(
                    selectOne()
                        .from(SEGMENT_MEMBERSHIP)
                        .where(
                            SEGMENT_MEMBERSHIP.TENANT_ID.eq(SEGMENT.TENANT_ID),
                            SEGMENT_MEMBERSHIP.SEGMENT_ID.eq(SEGMENT.ID))))
            .fetch()) {
      if (Boolean.TRUE.equals(
          transaction.execute(s -> members.buildIfMissing(segment.value1(), segment.value2())))) {
        built++;
      }
    }
    if (built > 0) {
      log.info("Built the members of {} saved segments saved before members were kept", built);
    }
  }
}
