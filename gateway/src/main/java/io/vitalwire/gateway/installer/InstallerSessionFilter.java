package io.vitalwire.gateway.installer;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;

/**
 * The installer's API answers only within a session (the cookie set by the unlock), except the unlock itself. A
 * cross-site page cannot ride the session: the cookie is SameSite=Strict, and the API's writes take JSON only, which
 * a cross-origin form cannot send without a preflight the hub does not allow.
 */
@ServerFilter("/installer/api/**")
@Requires(property = "vitalwire.gateway.installer.enabled", value = "true")
public class InstallerSessionFilter {

    private final InstallerSessions sessions;

    InstallerSessionFilter(InstallerSessions sessions) {
        this.sessions = sessions;
    }

    @RequestFilter
    @Nullable
    public HttpResponse<?> requireSession(HttpRequest<?> request) {
        boolean unlock = request.getPath().equals("/installer/api/session")
                && (request.getMethod() == HttpMethod.POST || request.getMethod() == HttpMethod.DELETE);
        if (unlock) {
            return null;
        }
        String token = request.getCookies().findCookie(InstallerSessions.COOKIE).map(Cookie::getValue).orElse(null);
        if (sessions.use(token)) {
            return null;
        }
        return HttpResponse.status(HttpStatus.UNAUTHORIZED).body(new InstallerViews.Refused(
                "Locked: enter the installer code.", null, null));
    }
}
