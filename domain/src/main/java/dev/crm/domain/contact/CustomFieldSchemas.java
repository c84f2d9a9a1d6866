package dev.crm.domain.contact;

import dev.crm.domain.customfield.CustomFieldRules;

/**
 * The tenant's contact field definitions, which a contact's custom values must follow. The
 * definitions are another aggregate, so the contact asks this port while it handles a command; the
 * command side answers from the event store, without locking the schema, so that contacts of one
 * tenant never wait for each other.
 */
public interface CustomFieldSchemas {
  /** The rules of the tenant's contact fields; none defined yet answers rules with no fields. */
  CustomFieldRules contactRules(String tenantId);
}
