package io.vitalwire.gateway.installer;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.info.Info;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /installer/api/openapi.yml}: the hub's local API as Micronaut OpenAPI wrote it at compile time from the
 * controllers and their Javadoc, so it cannot drift from them ({@code InstallerOpenApiTest} fails on a route it does
 * not describe). Within a session like the API it maps.
 */
@OpenAPIDefinition(info = @Info(title = InstallerOpenApiController.TITLE, version = InstallerOpenApiController.VERSION,
        description = "The Vitalwire hub's local API behind its installer pairing page: unlock with the installer code "
                + "printed on the hub's label (POST /installer/api/session sets the session cookie every other route "
                + "needs), see the hub, scan for BLE health devices, pair one."))
@Controller("/installer/api")
@Requires(property = "vitalwire.gateway.installer.enabled", value = "true")
public class InstallerOpenApiController {

    static final String TITLE = "vitalwire-gateway";
    /** The local API's own version: it changes when a route or a payload changes incompatibly. */
    static final String VERSION = "1";
    static final String RESOURCE = "META-INF/swagger/" + TITLE + "-" + VERSION + ".yml";

    private final String document;

    public InstallerOpenApiController() {
        try (InputStream in = InstallerOpenApiController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing: the build's OpenAPI processor did not run");
            }
            document = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The hub's local API's OpenAPI document (YAML). */
    @Get(value = "/openapi.yml", produces = "application/yaml")
    public HttpResponse<String> document() {
        return HttpResponse.ok(document);
    }
}
