package dev.crm.api.shared;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What every command endpoint answers: the aggregate, its version after the command, and the
 * consistency token a read can send back to see this change ({@link ReadYourWrites}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CommandResult(String id, long version, String consistencyToken) {
  public CommandResult(String id, long version) {
    this(id, version, null);
  }
}
