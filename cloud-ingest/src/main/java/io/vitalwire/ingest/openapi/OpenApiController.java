package io.vitalwire.ingest.openapi;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import io.vitalwire.ingest.security.AdminRoles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /admin/openapi.yml}: the admin API's OpenAPI 3 document, as Micronaut OpenAPI wrote it at compile time
 * from the controllers, their Javadoc and their examples — so it cannot drift from the code it describes
 * ({@code OpenApiDocumentIT} fails on a route it does not describe). Behind the admin roles like the API it maps:
 * an attacker gets no map of it.
 */
@OpenAPIDefinition(
        info = @Info(title = OpenApiController.TITLE, version = OpenApiController.VERSION,
                description = "cloud-ingest's admin API: quarantine and replay, alerts and their webhooks, rule "
                        + "overrides, gateways and device installations, the audit of admin writes. Every route takes "
                        + "a bearer JWT of the configured issuer with one of the roles auditor, operator, "
                        + "clinical-admin (cloud-ingest's README, \"Admin API\")."),
        security = @SecurityRequirement(name = "bearer"))
@SecurityScheme(name = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@Controller("/admin")
@ExecuteOn(TaskExecutors.BLOCKING)
public class OpenApiController {

    static final String TITLE = "vitalwire-cloud-ingest";
    /** The admin API's own version: it changes when a route or a payload changes incompatibly. */
    static final String VERSION = "1";
    /** Where Micronaut OpenAPI writes the document: {@code META-INF/swagger/<title>-<version>.yml}. */
    static final String RESOURCE = "META-INF/swagger/" + TITLE + "-" + VERSION + ".yml";

    private final String document;

    public OpenApiController() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: the build's OpenAPI processor did not run");
            }
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The admin API's OpenAPI document (YAML). */
    @Get(value = "/openapi.yml", produces = "application/yaml")
    public HttpResponse<String> document() {
        return HttpResponse.ok(document);
    }
}
