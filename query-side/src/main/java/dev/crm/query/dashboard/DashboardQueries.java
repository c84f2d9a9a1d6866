package dev.crm.query.dashboard;

import java.time.LocalDate;
import java.util.List;

/** The dashboard's statistics, read from the counts the read tables keep (no scans). */
public final class DashboardQueries {
  private DashboardQueries() {}

  /** How new contacts are bucketed: per UTC day, or per ISO week (starting on Monday). */
  public enum Interval {
    DAY,
    WEEK
  }

  /**
   * The tenant's dashboard. New contacts are counted from {@code from} to {@code to}, both
   * inclusive; {@code ownerLimit} bounds the owner list to the owners with the most contacts.
   */
  public record GetDashboard(
      String tenantId, LocalDate from, LocalDate to, Interval interval, int ownerLimit) {}

  /** One bar of a breakdown: a key (a stage, an owner id, an industry...) and its count. */
  public record Count(String key, long count) {}

  /** New contacts in the bucket starting on {@code start}. */
  public record Point(LocalDate start, long count) {}

  public record ContactStats(
      long total,
      List<Count> byStage,
      List<Count> byOwner,
      long otherOwners,
      Interval interval,
      List<Point> newContacts) {
    public ContactStats {
      byStage = List.copyOf(byStage);
      byOwner = List.copyOf(byOwner);
      newContacts = List.copyOf(newContacts);
    }
  }

  public record CompanyStats(long total, List<Count> byIndustry, List<Count> bySize) {
    public CompanyStats {
      byIndustry = List.copyOf(byIndustry);
      bySize = List.copyOf(bySize);
    }
  }

  public record CampaignStats(long total, List<Count> byState) {
    public CampaignStats {
      byState = List.copyOf(byState);
    }
  }

  public record Dashboard(ContactStats contacts, CompanyStats companies, CampaignStats campaigns) {}
}
