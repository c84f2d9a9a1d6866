package dev.crm.api.shared;

import dev.crm.api.auth.Caller;
import dev.crm.infra.axon.MetaDataKeys;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.axonframework.commandhandling.CommandExecutionException;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.stereotype.Component;

/**
 * Sends commands with the audit metadata every event inherits: tenant, actor (the API key id) and
 * request id.
 */
@Component
public class Commands {
  private final CommandGateway gateway;
  private final HttpServletRequest request;

  public Commands(CommandGateway gateway, HttpServletRequest request) {
    this.gateway = gateway;
    this.request = request;
  }

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
      return gateway.sendAndWait(message);
    } catch (CommandExecutionException e) {
      // Axon wraps some handler failures; the API answers for the rejection itself.
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** Sends a command whose handler answers the aggregate's new version. */
  public CommandResult update(Caller caller, String id, Object command) {
    Long version = send(caller, command);
    return new CommandResult(id, version);
  }
}
