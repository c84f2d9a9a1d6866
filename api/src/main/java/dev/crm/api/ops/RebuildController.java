package dev.crm.api.ops;

import dev.crm.db.jooq.tables.records.ReadModelRebuildRecord;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.domain.shared.InvalidField;
import dev.crm.infra.axon.ReadModelPositions;
import dev.crm.infra.jobs.Progress;
import dev.crm.infra.rebuild.ReadModelRebuilds;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Rebuilds of read models from the events, beside the serving version and switched in without
 * downtime (platform admin): start one, follow its progress (percent of the event store replayed,
 * rate, ETA), pause and resume it. The search indexes ({@code search}) and the SQL read tables
 * ({@code tables}) are rebuilt this way (the projections module's {@code BlueGreenRebuild}
 * describes the steps).
 */
@RestController
@Tag(name = "Operations")
public class RebuildController {
  private final Map<String, ReadModelRebuilds> rebuilds = new TreeMap<>();
  private final ReadModelPositions positions;

  public RebuildController(List<ReadModelRebuilds> rebuilds, ReadModelPositions positions) {
    rebuilds.forEach(r -> this.rebuilds.put(r.readModel(), r));
    this.positions = positions;
  }

  public record RebuildRequest(String readModel) {}

  /** A rebuild as an operator follows it; rate and ETA are null until they can be told. */
  public record RebuildView(
      String id,
      String readModel,
      String state,
      Long position,
      long head,
      double percent,
      Double eventsPerSecond,
      Double etaSeconds,
      OffsetDateTime startedAt,
      OffsetDateTime switchedAt,
      OffsetDateTime finishedAt,
      String failure) {}

  @PostMapping("/api/v1/admin/rebuilds")
  @Operation(summary = "Rebuild a read model (readModel: search or tables) beside the serving one")
  public ResponseEntity<RebuildView> start(@RequestBody(required = false) RebuildRequest request)
      throws IOException {
    String model = request == null ? null : request.readModel();
    ReadModelRebuilds rebuild = model == null ? null : rebuilds.get(model);
    if (rebuild == null) {
      throw new InvalidField(
          "readModel",
          "must name a rebuildable read model: " + String.join(", ", rebuilds.keySet()));
    }
    try {
      RebuildView view = view(rebuild, rebuild.start());
      return ResponseEntity.accepted()
          .location(URI.create("/api/v1/admin/rebuilds/" + view.id()))
          .body(view);
    } catch (ReadModelRebuilds.AlreadyRunning e) {
      throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
    }
  }

  @GetMapping("/api/v1/admin/rebuilds")
  @Operation(summary = "Rebuilds, newest first")
  public List<RebuildView> list() {
    return rebuilds.values().stream()
        .flatMap(r -> r.list().stream().map(record -> view(r, record)))
        .sorted(Comparator.comparing(RebuildView::startedAt).reversed())
        .toList();
  }

  @GetMapping("/api/v1/admin/rebuilds/{id}")
  @Operation(summary = "A rebuild's state and progress: percent, events per second, ETA")
  public RebuildView get(@PathVariable String id) {
    ReadModelRebuilds rebuild = of(id);
    return view(rebuild, rebuild.find(id).orElseThrow());
  }

  /** The read model whose rebuild this is. */
  private ReadModelRebuilds of(String id) {
    return rebuilds.values().stream()
        .filter(r -> r.find(id).isPresent())
        .findFirst()
        .orElseThrow(() -> new AggregateNotFound("rebuild", id));
  }

  @PostMapping("/api/v1/admin/rebuilds/{id}/pause")
  @Operation(summary = "Pause a building rebuild on every node; it keeps its position")
  public RebuildView pause(@PathVariable String id) {
    return transition(id, ReadModelRebuilds::pause, "only a building rebuild can be paused");
  }

  @PostMapping("/api/v1/admin/rebuilds/{id}/resume")
  @Operation(summary = "Resume a paused rebuild")
  public RebuildView resume(@PathVariable String id) {
    return transition(id, ReadModelRebuilds::resume, "only a paused rebuild can be resumed");
  }

  @PostMapping("/api/v1/admin/rebuilds/{id}/cancel")
  @Operation(summary = "Give up a building or paused rebuild; the serving version stays")
  public RebuildView cancel(@PathVariable String id) {
    return transition(
        id, ReadModelRebuilds::cancel, "only a building or paused rebuild can be cancelled");
  }

  /** Applies a state change; 409 naming the state the rebuild is in when it does not apply. */
  private RebuildView transition(
      String id, BiPredicate<ReadModelRebuilds, String> change, String onlyWhen) {
    RebuildView before = get(id);
    if (!change.test(of(id), id)) {
      throw new ResponseStatusException(
          HttpStatus.CONFLICT, onlyWhen + "; this one is " + before.state());
    }
    return get(id);
  }

  private RebuildView view(ReadModelRebuilds rebuild, ReadModelRebuildRecord r) {
    boolean done = r.getState().equals("completed");
    long head = positions.head();
    // The rebuild processor's position belongs to the rebuild under way, not to finished ones.
    boolean active = Set.of("building", "paused", "switching").contains(r.getState());
    OptionalLong at = active ? rebuild.position() : OptionalLong.empty();
    Long position = at.isPresent() ? at.getAsLong() : null;
    Progress progress =
        position == null
            ? new Progress(0.0, null, null)
            : Progress.of(position, head, r.getStartedAt(), OffsetDateTime.now());
    if (!r.getState().equals("building")) {
      progress = progress.withoutEta();
    }
    double percent = done ? 100.0 : progress.percent();
    Double rate = progress.perSecond();
    Double eta = progress.etaSeconds();
    return new RebuildView(
        r.getId(),
        r.getReadModel(),
        r.getState(),
        position,
        head,
        percent,
        rate,
        eta,
        r.getStartedAt(),
        r.getSwitchedAt(),
        r.getFinishedAt(),
        r.getFailure());
  }
}
