package dev.crm.api.customfield;

import dev.crm.api.auth.Caller;
import dev.crm.api.shared.CommandResult;
import dev.crm.api.shared.Commands;
import dev.crm.api.shared.Queries;
import dev.crm.api.shared.Versions;
import dev.crm.domain.customfield.CustomFieldCommands.ChangeCustomField;
import dev.crm.domain.customfield.CustomFieldCommands.DefineCustomField;
import dev.crm.domain.customfield.CustomFieldCommands.RemoveCustomField;
import dev.crm.domain.customfield.CustomFieldSchema;
import dev.crm.domain.customfield.CustomFieldType;
import dev.crm.domain.shared.AggregateNotFound;
import dev.crm.query.customfield.CustomFieldQueries.CustomFieldDefinitionList;
import dev.crm.query.customfield.CustomFieldQueries.CustomFieldDefinitionView;
import dev.crm.query.customfield.CustomFieldQueries.FindCustomFieldDefinition;
import dev.crm.query.customfield.CustomFieldQueries.ListCustomFieldDefinitions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.Locale;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A tenant's contact custom fields: definitions are commands on the tenant's field schema (admins
 * only), reads come from the definitions read table. Like every read here, a read right after a
 * write may lag; the write answers the schema version, which the read shows once it caught up.
 */
@RestController
@RequestMapping(CustomFieldController.COLLECTION)
@Tag(name = "Custom fields")
public class CustomFieldController {
  static final String COLLECTION = "/api/v1/custom-fields/contact";
  private static final String FIELD = "custom field";

  private final Commands commands;
  private final Queries queries;

  public CustomFieldController(Commands commands, Queries queries) {
    this.commands = commands;
    this.queries = queries;
  }

  /** {@code type} is one of the type names, in either case ({@code multi_select}). */
  record DefineFieldRequest(
      @NotBlank @Size(max = 64) String key,
      @NotBlank @Size(max = 100) String label,
      @NotNull CustomFieldType type,
      Boolean required,
      @Size(max = 200) List<@NotBlank @Size(max = 100) String> options,
      String currency) {}

  /** Omitted fields stay as they are; the type never changes. */
  record ChangeFieldRequest(
      @Size(min = 1, max = 100) String label,
      Boolean required,
      @Size(max = 200) List<@NotBlank @Size(max = 100) String> options) {}

  /** A field as clients see it; {@code type} in lower case ({@code multi_select}). */
  public record FieldView(
      String key,
      long version,
      String label,
      String type,
      boolean required,
      List<String> options,
      String currency) {
    static FieldView of(CustomFieldDefinitionView v) {
      return new FieldView(
          v.key(),
          v.version(),
          v.label(),
          v.type().toLowerCase(Locale.ROOT),
          v.required(),
          v.options(),
          v.currency());
    }
  }

  public record FieldList(List<FieldView> items) {}

  @PostMapping
  @Operation(summary = "Define a contact custom field; contacts' values must then follow it")
  public ResponseEntity<CommandResult> define(
      @AuthenticationPrincipal Caller caller, @Valid @RequestBody DefineFieldRequest body) {
    String tenant = caller.requireTenant();
    Long version =
        commands.send(
            caller,
            new DefineCustomField(
                CustomFieldSchema.idOf(tenant),
                tenant,
                body.key(),
                body.label(),
                body.type(),
                Boolean.TRUE.equals(body.required()),
                body.options(),
                body.currency(),
                commands.now()));
    return Commands.created(COLLECTION, new CommandResult(body.key(), version));
  }

  @GetMapping
  @Operation(summary = "List the contact custom fields in use, by key")
  public FieldList list(@AuthenticationPrincipal Caller caller) {
    CustomFieldDefinitionList list =
        queries.ask(
            new ListCustomFieldDefinitions(caller.requireTenant(), CustomFieldSchema.CONTACT),
            ResponseTypes.instanceOf(CustomFieldDefinitionList.class));
    return new FieldList(list.items().stream().map(FieldView::of).toList());
  }

  @GetMapping("/{key}")
  @Operation(summary = "Read one contact custom field; the ETag is the schema version")
  public ResponseEntity<FieldView> get(
      @AuthenticationPrincipal Caller caller, @PathVariable String key) {
    CustomFieldDefinitionView view =
        queries
            .find(
                new FindCustomFieldDefinition(
                    caller.requireTenant(), CustomFieldSchema.CONTACT, key),
                CustomFieldDefinitionView.class)
            .orElseThrow(() -> new AggregateNotFound(FIELD, key));
    return ResponseEntity.ok().eTag(Versions.etag(view.version())).body(FieldView.of(view));
  }

  @PatchMapping("/{key}")
  @Operation(summary = "Change a field's label, required flag or options")
  public ResponseEntity<CommandResult> change(
      @AuthenticationPrincipal Caller caller,
      @PathVariable String key,
      @Valid @RequestBody ChangeFieldRequest body) {
    String tenant = caller.requireTenant();
    return answer(
        key,
        commands.send(
            caller,
            new ChangeCustomField(
                CustomFieldSchema.idOf(tenant),
                tenant,
                key,
                body.label(),
                body.required(),
                body.options(),
                commands.now())));
  }

  @DeleteMapping("/{key}")
  @Operation(
      summary = "Remove a field; contacts keep its values in their history",
      description = "The key can be defined again later, with the same type.")
  public ResponseEntity<CommandResult> remove(
      @AuthenticationPrincipal Caller caller, @PathVariable String key) {
    String tenant = caller.requireTenant();
    return answer(
        key,
        commands.send(
            caller,
            new RemoveCustomField(CustomFieldSchema.idOf(tenant), tenant, key, commands.now())));
  }

  private static ResponseEntity<CommandResult> answer(String key, Long version) {
    return ResponseEntity.ok()
        .header(HttpHeaders.ETAG, Versions.etag(version))
        .body(new CommandResult(key, version));
  }
}
