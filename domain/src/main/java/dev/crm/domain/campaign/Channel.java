package dev.crm.domain.campaign;

public enum Channel {
  EMAIL,
  SMS,
  SOCIAL,
  ADS,
  EVENT,
  OTHER
}
