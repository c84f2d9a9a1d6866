package dev.crm.domain.segment;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import dev.crm.domain.segment.SegmentCommands.CreateSegment;
import dev.crm.domain.segment.SegmentCommands.DeleteSegment;
import dev.crm.domain.segment.SegmentCommands.UpdateSegment;
import dev.crm.domain.segment.SegmentEvent.SegmentCreated;
import dev.crm.domain.segment.SegmentEvent.SegmentDeleted;
import dev.crm.domain.segment.SegmentEvent.SegmentUpdated;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.Fields;
import dev.crm.domain.shared.TenantGuard;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateLifecycle;

/**
 * A saved contact filter with a name, such as "Leads opted in to email". The definition is kept as
 * the user wrote it, so the segment's members are always computed from the current contacts.
 */
public class Segment {
  private static final String TYPE = "segment";

  /** The JSON field a definition arrives in; rejections name paths inside it. */
  static final String DEFINITION_FIELD = "filter";

  @AggregateIdentifier private String segmentId;
  private String tenantId;
  private String name;
  private SegmentDefinition definition;
  private boolean deleted;

  protected Segment() {
    // for Axon
  }

  @CommandHandler
  public Segment(CreateSegment cmd) {
    String validName = Fields.requireText("name", cmd.name());
    SegmentDefinition validDefinition =
        SegmentDefinition.require(DEFINITION_FIELD, cmd.definition());
    apply(
        new SegmentCreated(cmd.segmentId(), cmd.tenantId(), validName, validDefinition, cmd.at()));
  }

  @CommandHandler
  public Long handle(UpdateSegment cmd) {
    requireChangeable(cmd.tenantId());
    String newName = cmd.name() == null ? null : Fields.requireText("name", cmd.name());
    SegmentDefinition newDefinition =
        cmd.definition() == null
            ? null
            : SegmentDefinition.require(DEFINITION_FIELD, cmd.definition());
    String changedName = newName == null || newName.equals(name) ? null : newName;
    SegmentDefinition changedDefinition =
        newDefinition == null || newDefinition.equals(definition) ? null : newDefinition;
    if (changedName != null || changedDefinition != null) {
      apply(new SegmentUpdated(segmentId, tenantId, changedName, changedDefinition, cmd.at()));
    }
    return AggregateLifecycle.getVersion();
  }

  @CommandHandler
  public Long handle(DeleteSegment cmd) {
    requireChangeable(cmd.tenantId());
    apply(new SegmentDeleted(segmentId, tenantId, cmd.at()));
    return AggregateLifecycle.getVersion();
  }

  @EventSourcingHandler
  void on(SegmentCreated event) {
    segmentId = event.segmentId();
    tenantId = event.tenantId();
    name = event.name();
    definition = event.definition();
    deleted = false;
  }

  @EventSourcingHandler
  void on(SegmentUpdated event) {
    if (event.name() != null) {
      name = event.name();
    }
    if (event.definition() != null) {
      definition = event.definition();
    }
  }

  @EventSourcingHandler
  void on(SegmentDeleted event) {
    deleted = true;
  }

  /** Foreign tenants see no segment at all; a deleted segment is gone for everyone. */
  private void requireChangeable(String commandTenant) {
    TenantGuard.requireSameTenant(tenantId, commandTenant, TYPE, segmentId);
    if (deleted) {
      throw new AggregateNotFound(TYPE, segmentId);
    }
  }
}
