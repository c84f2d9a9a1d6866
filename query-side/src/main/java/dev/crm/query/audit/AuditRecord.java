package dev.crm.query.audit;

/**
 * One event as an auditor reads it: where it sits in the event store, when it was stored, who
 * caused it on whose behalf (tenant, actor, request, correlation and causation ids from its
 * metadata), what it happened to, and its payload as stored (JSON).
 */
public record AuditRecord(
    long position,
    String eventId,
    String time,
    String tenantId,
    String actorId,
    String requestId,
    String correlationId,
    String causationId,
    String aggregateType,
    String aggregateId,
    long sequence,
    String eventType,
    byte[] payload) {}
