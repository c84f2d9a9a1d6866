package dev.crm.query.shared;

import java.util.Optional;
import java.util.UUID;

/** Ids arrive as text from URLs; anything that is not a UUID cannot name a row. */
public final class Ids {
  private Ids() {}

  public static Optional<UUID> parse(String id) {
    try {
      return Optional.of(UUID.fromString(id));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }

  public static UUID require(String parameter, String id) {
    return parse(id).orElseThrow(() -> new InvalidQuery(parameter, "is not a valid id"));
  }
}
