package dev.crm.domain.company;

public enum Priority {
  LOW,
  MEDIUM,
  HIGH
}
