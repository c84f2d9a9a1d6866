package dev.crm.api.docs;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI description: bearer API keys on every operation, and the RFC 9457 problem responses
 * every endpoint can give, so clients see the errors as well as the successes.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiConfiguration {
  private static final String PROBLEM = "Problem";

  /** Errors any API call can answer with, and when. */
  private static final Map<String, String> COMMON_ERRORS =
      Map.of(
          "401", "No API key, or one that is unknown or revoked",
          "403", "The API key's role may not do this",
          "500", "Unexpected failure; quote X-Request-Id");

  /** Errors of calls that read or change one record. */
  private static final Map<String, String> RECORD_ERRORS =
      Map.of("404", "No such record in the caller's tenant (another tenant's ids included)");

  /** Errors of calls that change state. */
  private static final Map<String, String> WRITE_ERRORS =
      Map.of(
          "400", "Invalid input; `errors` names each bad field",
          "409",
              "Refused by a business rule: duplicate primary email, archived record, or a"
                  + " campaign transition the current state does not allow (`currentState`)",
          "412", "If-Match names a version older than the record's",
          "422", "Idempotency-Key reused with a different request body");

  @Bean
  OpenAPI crmOpenApi() {
    return new OpenAPI()
        .info(
            new Info()
                .title("CRM core API")
                .version("v1")
                .description(
                    "Event-sourced CRM core: commands change contacts, companies and campaigns;"
                        + " reads come from projected read models. Every call needs"
                        + " `Authorization: Bearer <api key>`; the tenant comes from the key."))
        .components(
            new Components()
                .addSecuritySchemes(
                    "apiKey",
                    new SecurityScheme()
                        .type(SecurityScheme.Type.HTTP)
                        .scheme("bearer")
                        .description("An API key: crm_<key id>_<secret>"))
                .addSchemas(
                    PROBLEM,
                    new Schema<>()
                        .type("object")
                        .description("RFC 9457 problem details")
                        .addProperty("type", new Schema<>().type("string"))
                        .addProperty("title", new Schema<>().type("string"))
                        .addProperty("status", new Schema<>().type("integer"))
                        .addProperty("detail", new Schema<>().type("string"))
                        .addProperty("instance", new Schema<>().type("string"))
                        .addProperty(
                            "errors",
                            new Schema<>()
                                .type("array")
                                .description("Each bad input field and why")
                                .items(
                                    new Schema<>()
                                        .type("object")
                                        .addProperty("field", new Schema<>().type("string"))
                                        .addProperty("reason", new Schema<>().type("string"))))))
        .addSecurityItem(new SecurityRequirement().addList("apiKey"));
  }

  @Bean
  OpenApiCustomizer problemResponsesInApiDocs() {
    return api ->
        api.getPaths()
            .forEach(
                (path, item) ->
                    item.readOperationsMap()
                        .forEach(
                            (method, operation) -> {
                              Map<String, String> errors = new LinkedHashMap<>(COMMON_ERRORS);
                              if (path.contains("{id}")) {
                                errors.putAll(RECORD_ERRORS);
                              }
                              if (method != PathItem.HttpMethod.GET) {
                                errors.putAll(WRITE_ERRORS);
                              } else {
                                errors.put("400", "Invalid query parameter, named in `errors`");
                              }
                              errors.forEach((status, why) -> addProblem(operation, status, why));
                            }));
  }

  /**
   * A contact's {@code customFields} is written out as the stored JSON object ({@code JsonRawValue}
   * on a string); the description says it is an object of values by field key.
   */
  @Bean
  OpenApiCustomizer customFieldsAreAnObject() {
    return api -> {
      Schema<?> view =
          api.getComponents() == null || api.getComponents().getSchemas() == null
              ? null
              : api.getComponents().getSchemas().get("ContactView");
      if (view != null && view.getProperties() != null) {
        view.getProperties()
            .put(
                "customFields",
                new Schema<>()
                    .type("object")
                    .types(Set.of("object"))
                    .description("Custom field values by field key")
                    .additionalProperties(true));
      }
    };
  }

  private static void addProblem(Operation operation, String status, String description) {
    if (operation.getResponses().containsKey(status)) {
      return;
    }
    operation
        .getResponses()
        .addApiResponse(
            status,
            new ApiResponse()
                .description(description)
                .content(
                    new Content()
                        .addMediaType(
                            "application/problem+json",
                            new MediaType()
                                .schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM)))));
  }
}
