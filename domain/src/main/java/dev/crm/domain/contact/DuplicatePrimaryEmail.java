package dev.crm.domain.contact;

import dev.crm.domain.shared.DomainException;

/** Another contact of the same tenant already has this primary email. */
public final class DuplicatePrimaryEmail extends DomainException {
  private final String email;

  public DuplicatePrimaryEmail(String email) {
    super("another contact already has the primary email " + email);
    this.email = email;
  }

  public String email() {
    return email;
  }
}
