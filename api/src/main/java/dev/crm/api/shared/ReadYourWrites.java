package dev.crm.api.shared;

import dev.crm.api.auth.Caller;
import dev.crm.infra.axon.ProcessingGroups;
import dev.crm.infra.axon.ReadModelPositions;
import dev.crm.query.shared.InvalidQuery;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Consistency tokens. Every command answer carries one: the event-stream position of the change it
 * made ({@code X-Consistency-Token}, and {@code consistencyToken} in the body). A read that sends
 * it back waits, up to a bound, until the read model it answers from has committed that position,
 * so a client sees its own writes without sleeping. A read whose bound ran out answers what the
 * read model holds and says so in {@code X-Consistency: stale}.
 */
@Component
public class ReadYourWrites {
  public static final String HEADER = "X-Consistency-Token";
  public static final String STATE_HEADER = "X-Consistency";
  static final String REQUEST_POSITION = ReadYourWrites.class.getName() + ".position";
  private static final Pattern TOKEN = Pattern.compile("c1\\.(\\d{1,18})");

  private final ReadModelPositions positions;
  private final Duration maxWait;

  public ReadYourWrites(
      ReadModelPositions positions, @Value("${crm.consistency.max-wait:PT5S}") Duration maxWait) {
    this.positions = positions;
    this.maxWait = maxWait;
  }

  /** Remembers, for this request's answer, the position of the aggregate a command changed. */
  void recordWrite(HttpServletRequest request, String aggregateId) {
    long position = positions.latestOf(aggregateId);
    Object earlier = request.getAttribute(REQUEST_POSITION);
    if (!(earlier instanceof Long e) || e < position) {
      request.setAttribute(REQUEST_POSITION, position);
    }
  }

  static String token(long position) {
    return "c1." + position;
  }

  /**
   * Waits until {@code processor} has committed the position of the token (the {@code
   * consistencyToken} parameter, else the header); answers the position (-1 without a token). Sets
   * {@code X-Consistency} on the answer: {@code ok}, or {@code stale} when the bound ran out first.
   */
  public long await(
      String parameter,
      String header,
      Caller caller,
      String processor,
      HttpServletResponse response) {
    String token = parameter != null ? parameter : header;
    if (token == null || token.isBlank()) {
      return -1;
    }
    Matcher m = TOKEN.matcher(token.strip());
    if (!m.matches()) {
      throw new InvalidQuery("consistencyToken", "is not a token a command answered");
    }
    long position = Long.parseLong(m.group(1));
    Object sequence =
        ProcessingGroups.sequencedByTenant(processor)
            ? caller.requireTenant()
            : positions.aggregateAt(position);
    if (sequence == null) {
      throw new InvalidQuery("consistencyToken", "is not a token a command answered");
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    long pause = 2;
    while (!positions.reached(processor, position, sequence)) {
      if (System.nanoTime() > deadline) {
        response.setHeader(STATE_HEADER, "stale");
        return position;
      }
      sleep(pause);
      pause = Math.min(pause * 2, 25);
    }
    response.setHeader(STATE_HEADER, "ok");
    return position;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the read model", e);
    }
  }
}
