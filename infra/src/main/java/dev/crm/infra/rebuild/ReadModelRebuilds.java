package dev.crm.infra.rebuild;

import dev.crm.db.jooq.tables.records.ReadModelRebuildRecord;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Rebuilds of one read model from the events, beside its serving version: what the operations API
 * drives. The projections module implements it; the API sees only this.
 */
public interface ReadModelRebuilds {
  /** The read model's name in the API ({@code search}). */
  String readModel();

  /** Starts a rebuild; {@link AlreadyRunning} if one is under way. */
  ReadModelRebuildRecord start() throws IOException;

  Optional<ReadModelRebuildRecord> find(String id);

  /** Rebuilds, newest first. */
  List<ReadModelRebuildRecord> list();

  /** Pauses a building rebuild on every node; false if it was not building. */
  boolean pause(String id);

  /** Resumes a paused rebuild; false if it was not paused. */
  boolean resume(String id);

  /**
   * Gives up a building or paused rebuild (one that cannot get past an event, say): it is marked
   * failed and what it made is dropped; the serving version never changed. False if it was neither.
   */
  boolean cancel(String id);

  /** Where the rebuild under way stands in the event store; empty before its first commit. */
  OptionalLong position();

  /** A rebuild of the same read model is already under way. */
  final class AlreadyRunning extends RuntimeException {
    public AlreadyRunning(String readModel, String id) {
      super("a rebuild of " + readModel + " is already under way: " + id, null, false, false);
    }
  }
}
