package dev.crm.api.shared;

import static dev.crm.db.jooq.Tables.IDEMPOTENCY_RECORD;

import dev.crm.api.auth.Caller;
import dev.crm.domain.shared.InvalidField;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.axonframework.modelling.command.AggregateStreamCreationException;
import org.jooq.DSLContext;
import org.springframework.stereotype.Component;

/**
 * {@code Idempotency-Key} for creates. The new aggregate's id is derived from (tenant, resource
 * type, key), so a retry after a lost answer, or a crash between the command and this record,
 * targets the same aggregate and cannot create a second one; the record remembers the request so
 * that the same key with another body is refused instead of silently answered.
 */
@Component
public class Idempotency {
  /** Keys are client-chosen tokens such as UUIDs; longer ones are most likely mistakes. */
  private static final int MAX_KEY_LENGTH = 200;

  private final DSLContext db;
  private final Clock clock;
  private final Commands commands;

  public Idempotency(DSLContext db, Clock clock, Commands commands) {
    this.db = db;
    this.clock = clock;
    this.commands = commands;
  }

  /**
   * Creates once per key: {@code create} receives the id to create and is skipped when this key
   * already created it. Without a key, every call creates a new id.
   */
  public CommandResult create(
      Caller caller,
      String resourceType,
      String key,
      Object request,
      Function<String, Object> create) {
    if (key == null) {
      String id = UUID.randomUUID().toString();
      commands.send(caller, create.apply(id));
      return new CommandResult(id, 0);
    }
    if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
      throw new InvalidField("Idempotency-Key", "must be 1 to " + MAX_KEY_LENGTH + " characters");
    }
    UUID tenant = UUID.fromString(caller.requireTenant());
    byte[] hash = sha256(resourceType + "\n" + request);
    UUID id =
        UUID.nameUUIDFromBytes(
            (tenant + "\n" + resourceType + "\n" + key).getBytes(StandardCharsets.UTF_8));
    Optional<byte[]> seen =
        db.select(IDEMPOTENCY_RECORD.REQUEST_HASH)
            .from(IDEMPOTENCY_RECORD)
            .where(IDEMPOTENCY_RECORD.TENANT_ID.eq(tenant), IDEMPOTENCY_RECORD.IDEM_KEY.eq(key))
            .fetchOptional(IDEMPOTENCY_RECORD.REQUEST_HASH);
    if (seen.isPresent()) {
      requireSameRequest(seen.get(), hash);
      return new CommandResult(id.toString(), 0);
    }
    try {
      commands.send(caller, create.apply(id.toString()));
    } catch (AggregateStreamCreationException alreadyCreated) {
      // A concurrent or interrupted earlier try with this key created it; answer as it did.
    }
    int inserted =
        db.insertInto(IDEMPOTENCY_RECORD)
            .set(IDEMPOTENCY_RECORD.TENANT_ID, tenant)
            .set(IDEMPOTENCY_RECORD.IDEM_KEY, key)
            .set(IDEMPOTENCY_RECORD.REQUEST_HASH, hash)
            .set(IDEMPOTENCY_RECORD.RESOURCE_TYPE, resourceType)
            .set(IDEMPOTENCY_RECORD.RESOURCE_ID, id)
            .set(IDEMPOTENCY_RECORD.CREATED_AT, OffsetDateTime.now(clock))
            .onConflictDoNothing()
            .execute();
    if (inserted == 0) {
      requireSameRequest(
          db.select(IDEMPOTENCY_RECORD.REQUEST_HASH)
              .from(IDEMPOTENCY_RECORD)
              .where(IDEMPOTENCY_RECORD.TENANT_ID.eq(tenant), IDEMPOTENCY_RECORD.IDEM_KEY.eq(key))
              .fetchSingle(IDEMPOTENCY_RECORD.REQUEST_HASH),
          hash);
    }
    return new CommandResult(id.toString(), 0);
  }

  private static void requireSameRequest(byte[] seen, byte[] hash) {
    if (!MessageDigest.isEqual(seen, hash)) {
      throw new IdempotencyKeyReused();
    }
  }

  /** The key was used before for a different request. */
  public static final class IdempotencyKeyReused extends RuntimeException {
    IdempotencyKeyReused() {
      super(
          "this Idempotency-Key was already used with a different request body; use a new key",
          null,
          false,
          false);
    }
  }

  private static byte[] sha256(String value) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
