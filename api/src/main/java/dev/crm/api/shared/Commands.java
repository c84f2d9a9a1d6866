package dev.crm.api.shared;

import dev.crm.api.auth.Caller;
import dev.crm.infra.axon.MetaDataKeys;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.AnnotationCommandTargetResolver;
import org.axonframework.modelling.command.CommandTargetResolver;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Sends commands with the audit metadata every event inherits: tenant, actor (the API key id) and
 * request id. Time is taken here, once per request, so aggregates never read a clock.
 */
@Component
public class Commands {
  private final CommandGateway gateway;
  private final HttpServletRequest request;
  private final Clock clock;
  private final ReadYourWrites readYourWrites;
  private final CommandTargetResolver targets = AnnotationCommandTargetResolver.builder().build();

  public Commands(
      CommandGateway gateway,
      HttpServletRequest request,
      Clock clock,
      ReadYourWrites readYourWrites) {
    this.gateway = gateway;
    this.request = request;
    this.clock = clock;
    this.readYourWrites = readYourWrites;
  }

  /** What every command on an existing aggregate needs besides its own fields. */
  public record Target(String id, String tenantId, Long expectedVersion, Instant at) {}

  /** Sends the command and waits; rejections surface as the domain's own exceptions. */
  public <R> R send(Caller caller, Object command) {
    var message =
        GenericCommandMessage.asCommandMessage(command)
            .andMetaData(
                Map.of(
                    MetaDataKeys.TENANT_ID, caller.requireTenant(),
                    MetaDataKeys.ACTOR_ID, caller.keyId(),
                    MetaDataKeys.REQUEST_ID, RequestIdFilter.of(request)));
    try {
      R result = gateway.sendAndWait(message);
      readYourWrites.recordWrite(request, targets.resolveTarget(message).getIdentifier());
      return result;
    } catch (CommandExecutionException e) {
      // Axon wraps some handler failures; the API answers for the rejection itself.
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * Sends a command to the aggregate named by a URL path id, guarded by {@code If-Match}, and
   * answers its new version as body and ETag.
   */
  public ResponseEntity<CommandResult> change(
      Caller caller,
      String aggregateType,
      String pathId,
      String ifMatch,
      Function<Target, Object> command) {
    Target target =
        new Target(
            Ids.path(aggregateType, pathId),
            caller.requireTenant(),
            Versions.expected(ifMatch),
            now());
    Long version = send(caller, command.apply(target));
    return ResponseEntity.ok()
        .header(HttpHeaders.ETAG, Versions.etag(version))
        .body(new CommandResult(target.id(), version));
  }

  /** The {@code 201} of a create: Location, ETag and the new id and version. */
  public static ResponseEntity<CommandResult> created(String collection, CommandResult result) {
    return ResponseEntity.created(URI.create(collection + "/" + result.id()))
        .header(HttpHeaders.ETAG, Versions.etag(result.version()))
        .body(result);
  }

  public Instant now() {
    return clock.instant();
  }
}
