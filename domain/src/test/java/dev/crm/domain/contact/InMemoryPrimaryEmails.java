package dev.crm.domain.contact;

import java.util.HashMap;
import java.util.Map;

/** The primary-email port held in a map, keyed by tenant and email, for aggregate tests. */
final class InMemoryPrimaryEmails implements PrimaryEmails {
  private final Map<String, String> holders = new HashMap<>();

  @Override
  public void claim(String tenantId, String email, String contactId) {
    String holder = holders.putIfAbsent(key(tenantId, email), contactId);
    if (holder != null && !holder.equals(contactId)) {
      throw new DuplicatePrimaryEmail(email);
    }
  }

  @Override
  public void release(String tenantId, String email, String contactId) {
    holders.remove(key(tenantId, email), contactId);
  }

  /** The contact holding {@code email} in the tenant, or {@code null}. */
  String holderOf(String tenantId, String email) {
    return holders.get(key(tenantId, email));
  }

  private static String key(String tenantId, String email) {
    return tenantId + "\n" + email;
  }
}
