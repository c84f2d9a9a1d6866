package dev.crm.domain.contact;

/** What kind of interaction an activity on a contact's timeline records. */
public enum ActivityType {
  NOTE,
  CALL,
  MEETING,
  EMAIL
}
