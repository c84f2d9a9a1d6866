package dev.crm.domain.company;

/** The commercial relationship with the company. */
public enum CompanyStatus {
  PROSPECT,
  ACTIVE,
  CUSTOMER,
  PARTNER,
  CHURNED
}
