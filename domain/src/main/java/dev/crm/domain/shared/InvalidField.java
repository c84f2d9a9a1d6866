package dev.crm.domain.shared;

/** One input field broke a rule; {@code field} is the API's JSON field name. */
public final class InvalidField extends DomainException {
  private final String field;
  private final String reason;

  public InvalidField(String field, String reason) {
    super(field + ": " + reason);
    this.field = field;
    this.reason = reason;
  }

  public String field() {
    return field;
  }

  public String reason() {
    return reason;
  }
}
