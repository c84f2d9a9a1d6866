package dev.crm.api.timeline;

import dev.crm.domain.contact.ActivityType;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** JSON bodies of the timeline endpoints. The domain re-checks every rule. */
final class ActivityRequests {
  private ActivityRequests() {}

  /** {@code actorId} defaults to the calling API key's id. */
  record LogActivityRequest(
      @NotNull ActivityType type,
      @NotNull Instant occurredAt,
      @Size(min = 1, max = 100) String actorId,
      @Size(max = 200) String subject,
      @Size(max = 20_000) String body,
      @Size(max = 100) String outcome) {}
}
