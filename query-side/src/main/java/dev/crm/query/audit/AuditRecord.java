package dev.crm.query.audit;

import java.nio.charset.StandardCharsets;

/**
 * One event as an auditor reads it: where it sits in the event store, when it was stored, who
 * caused it on whose behalf (tenant, actor, request, correlation and causation ids from its
 * metadata), what it happened to, and its payload as stored (JSON).
 *
 * <p>Its text is the UTF-8 bytes the event store holds ({@code null} where there is none): an
 * export copies them into its lines without decoding them into strings and encoding them again.
 */
public record AuditRecord(
    long position,
    byte[] eventId,
    byte[] time,
    byte[] tenantId,
    byte[] actorId,
    byte[] requestId,
    byte[] correlationId,
    byte[] causationId,
    byte[] aggregateType,
    byte[] aggregateId,
    long sequence,
    byte[] eventType,
    byte[] payload) {

  /** {@code text} as the UTF-8 bytes a record holds. */
  public static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }
}
