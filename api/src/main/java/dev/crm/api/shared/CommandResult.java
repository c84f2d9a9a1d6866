package dev.crm.api.shared;

/** What every command endpoint answers: the aggregate and its version after the command. */
public record CommandResult(String id, long version) {}
