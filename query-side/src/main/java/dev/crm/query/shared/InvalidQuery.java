package dev.crm.query.shared;

/** A query parameter the read side cannot use; the API answers 400 naming {@code parameter}. */
public class InvalidQuery extends RuntimeException {
  private final String parameter;

  public InvalidQuery(String parameter, String reason) {
    super(parameter + ": " + reason, null, false, false);
    this.parameter = parameter;
  }

  public String parameter() {
    return parameter;
  }
}
