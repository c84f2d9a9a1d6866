package dev.crm.query.search;

/** Elasticsearch cannot answer; the API says 503 and the SQL read side goes on. */
public class SearchUnavailable extends RuntimeException {
  public SearchUnavailable(Throwable cause) {
    super("search is unavailable", cause, false, false);
  }
}
