package dev.crm.domain.company;

/** Head-count bands as CRMs usually facet companies. */
public enum SizeBand {
  S_1_10,
  S_11_50,
  S_51_200,
  S_201_500,
  S_501_1000,
  S_1001_5000,
  S_5001_PLUS
}
