package dev.crm.domain.contact;

/** Which channels the contact agreed to be reached on. */
public record OptIns(boolean email, boolean sms, boolean call) {
  public static final OptIns NONE = new OptIns(false, false, false);
}
