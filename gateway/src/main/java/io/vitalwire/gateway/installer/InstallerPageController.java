package io.vitalwire.gateway.installer;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import java.net.URI;

/**
 * {@code /} and {@code /installer} lead to the pairing page, so that an installer who types the hub's address finds
 * it. The page itself is a static resource ({@code classpath:installer}, mapped to {@code /installer/**}).
 */
@Controller
@Hidden
@Requires(property = "vitalwire.gateway.installer.enabled", value = "true")
public class InstallerPageController {

    static final URI PAGE = URI.create("/installer/index.html");

    @Get
    public HttpResponse<?> root() {
        return HttpResponse.seeOther(PAGE);
    }

    @Get("/installer")
    public HttpResponse<?> installer() {
        return HttpResponse.seeOther(PAGE);
    }
}
