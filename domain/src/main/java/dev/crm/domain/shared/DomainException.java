package dev.crm.domain.shared;

/** A command was refused by a business rule; the API maps each subtype to one problem response. */
public abstract class DomainException extends RuntimeException {
  protected DomainException(String message) {
    super(message, null, false, false);
  }
}
