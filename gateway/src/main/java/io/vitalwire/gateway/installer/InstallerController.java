package io.vitalwire.gateway.installer;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.CookieValue;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.gateway.ble.bluez.BlePairing;
import io.vitalwire.gateway.ble.bluez.BleState;
import io.vitalwire.gateway.ble.bluez.NearbyDevice;
import io.vitalwire.gateway.ble.bluez.PairingOutcome;
import io.vitalwire.gateway.buffer.BufferStats;
import io.vitalwire.gateway.buffer.ReadingBuffer;
import io.vitalwire.gateway.identity.GatewayConfig;
import io.vitalwire.gateway.remote.RemoteConfig;
import io.vitalwire.gateway.identity.SoftwareVersion;
import io.vitalwire.gateway.uplink.MqttUplink;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The hub's local API behind the installer's pairing page ({@code /installer/index.html}): unlock with the code on
 * the label, see the hub, scan for BLE health devices, pair one. Everything but the unlock needs the session cookie
 * the unlock sets ({@link InstallerSessionFilter}); nothing here shows a measured value or a patient.
 */
@Controller("/installer/api")
@Requires(property = "vitalwire.gateway.installer.enabled", value = "true")
public class InstallerController {

    private static final Pattern ADDRESS = Pattern.compile("([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}");
    private static final Pattern PASSKEY = Pattern.compile("[0-9]{6}");
    /** BlueZ's own pairing timeout is shorter; this bounds a wedged call. */
    private static final Duration PAIRING_TIMEOUT = Duration.ofSeconds(60);

    private final InstallerConfig config;
    private final InstallerCode code;
    private final InstallerLockout lockout;
    private final InstallerSessions sessions;
    private final GatewayConfig gateway;
    private final MqttUplink uplink;
    private final ReadingBuffer buffer;
    private final RemoteConfig remote;
    private final Optional<BlePairing> ble;
    private final MeterRegistry meters;
    private final Clock clock;

    InstallerController(InstallerConfig config, InstallerCode code, InstallerLockout lockout,
                        InstallerSessions sessions, GatewayConfig gateway, MqttUplink uplink, ReadingBuffer buffer,
                        RemoteConfig remote, Optional<BlePairing> ble, MeterRegistry meters, Clock clock) {
        this.config = config;
        this.code = code;
        this.lockout = lockout;
        this.sessions = sessions;
        this.gateway = gateway;
        this.uplink = uplink;
        this.buffer = buffer;
        this.remote = remote;
        this.ble = ble;
        this.meters = meters;
        this.clock = clock;
    }

    /**
     * Unlocks the page with the installer code on the hub's label: sets the session cookie. Wrong codes in a row
     * lock the address out for a while, growing with each lockout; too many from everyone lock everyone out.
     */
    @ApiResponse(responseCode = "204", description = "unlocked: the session cookie is set")
    @ApiResponse(responseCode = "401", description = "a wrong code",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation =
                    InstallerViews.Refused.class)))
    @ApiResponse(responseCode = "429", description = "locked out; Retry-After says for how long",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation =
                    InstallerViews.Refused.class)))
    @RequestBody(content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "code",
            value = "{\"code\": \"7KQ2M-XR4PD\"}")))
    @Post("/session")
    @Consumes(MediaType.APPLICATION_JSON)
    public HttpResponse<?> unlock(HttpRequest<?> request, @Body InstallerViews.Unlock unlock) {
        String client = clientAddress(request);
        Optional<Duration> locked = lockout.lockedFor(client);
        if (locked.isPresent()) {
            count("locked");
            return lockedOut(locked.get());
        }
        if (!code.matches(unlock == null ? null : unlock.code())) {
            count("wrong-code");
            InstallerLockout.Failure failure = lockout.failed(client);
            if (failure instanceof InstallerLockout.Failure.LockedOut out) {
                return lockedOut(out.retryAfter());
            }
            int left = ((InstallerLockout.Failure.TryAgain) failure).attemptsLeft();
            return HttpResponse.status(HttpStatus.UNAUTHORIZED).body(new InstallerViews.Refused(
                    "That is not this hub's installer code (see the label on the hub).", left, null));
        }
        count("unlocked");
        lockout.succeeded(client);
        return HttpResponse.noContent().cookie(Cookie.of(InstallerSessions.COOKIE, sessions.begin()).httpOnly(true)
                .sameSite(SameSite.Strict).path("/installer").maxAge(config.getSessionMax()));
    }

    /** Locks the page again: ends the session. */
    @ApiResponse(responseCode = "204", description = "the session ended")
    @Delete("/session")
    public HttpResponse<?> lock(@Nullable @CookieValue(InstallerSessions.COOKIE) String token) {
        sessions.end(token);
        return HttpResponse.noContent().cookie(Cookie.of(InstallerSessions.COOKIE, "").path("/installer")
                .maxAge(0));
    }

    /** The hub: its uplink to the cloud, its buffer, the configuration applied and its BLE adapter. */
    @ApiResponse(responseCode = "200", description = "the hub", content = @Content(mediaType = "application/json",
            schema = @Schema(implementation = InstallerViews.Hub.class), examples = @ExampleObject(name = "connected",
            value = "{\"gateway\": \"hub-7\", \"software\": \"1.4.1\", \"uplink\": \"connected\", \"unsent\": 3, "
                    + "\"oldestUnsentSeconds\": 42, \"configVersion\": 4, "
                    + "\"ble\": {\"enabled\": true, \"adapterPowered\": true, \"scanning\": false}}")))
    @Get("/hub")
    public InstallerViews.Hub hub() {
        BufferStats stats = buffer.stats();
        BleState state = ble.map(BlePairing::state).orElse(null);
        return new InstallerViews.Hub(gateway.getId(), SoftwareVersion.current(), uplink.state().wireName(),
                stats.unsent(), stats.oldestUnsentAge().map(Duration::toSeconds).orElse(null),
                remote.appliedVersion(), new InstallerViews.Ble(state != null,
                state != null && state.adapterPresent() && state.powered(), state != null && state.discovering()));
    }

    /** The BLE health devices the hub knows of: assigned to it, paired with it, or found by a scan. */
    @ApiResponse(responseCode = "200", description = "the devices", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = InstallerViews.Devices.class),
            examples = @ExampleObject(name = "a cuff assigned", value = "{\"bleEnabled\": true, \"scanning\": false, "
                    + "\"devices\": [{\"address\": \"C0:1D:00:00:00:02\", \"name\": \"BPC-0002\", "
                    + "\"kind\": \"blood-pressure\", \"status\": \"assigned\", \"connected\": false, "
                    + "\"batteryPercent\": 80, \"lastReadingAt\": \"2026-12-03T17:09:15.225Z\"}]}")))
    @Get("/devices")
    public InstallerViews.Devices devices() {
        if (ble.isEmpty()) {
            return new InstallerViews.Devices(false, false, List.of());
        }
        List<InstallerViews.Device> devices = ble.get().nearby().stream().map(InstallerController::view).toList();
        return new InstallerViews.Devices(true, ble.get().state().discovering(), devices);
    }

    /** Looks for BLE devices nearby for a while (the configured scan length): put the device in pairing mode. */
    @ApiResponse(responseCode = "202", description = "scanning until the time given", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = InstallerViews.Scan.class),
            examples = @ExampleObject(name = "scanning", value = "{\"until\": \"2026-12-03T17:09:45.120Z\"}")))
    @ApiResponse(responseCode = "409", description = "BLE is not enabled on this hub")
    @Post("/scan")
    public HttpResponse<?> scan() {
        if (ble.isEmpty()) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(new InstallerViews.Paired("failed",
                    "Bluetooth is not enabled on this hub."));
        }
        ble.get().scan(config.getScanLength());
        return HttpResponse.accepted().body(new InstallerViews.Scan(clock.instant().plus(config.getScanLength()).toString()));
    }

    /**
     * Pairs (bonds) the device at this address, entering the passkey it shows or has printed on it; without one,
     * "just works". The hub serves it once the clinic assigns it to this hub (the cloud's allow-list names it).
     */
    @ApiResponse(responseCode = "200", description = "paired, or it was already", content = @Content(
            mediaType = "application/json", schema = @Schema(implementation = InstallerViews.Paired.class),
            examples = @ExampleObject(name = "paired", value = "{\"outcome\": \"paired\", "
                    + "\"message\": \"Paired. The hub serves it once the clinic assigns it to this hub.\"}")))
    @ApiResponse(responseCode = "400", description = "the address or the passkey is malformed")
    @ApiResponse(responseCode = "404", description = "no health device at that address is nearby")
    @ApiResponse(responseCode = "409", description = "BLE is not enabled on this hub")
    @ApiResponse(responseCode = "422", description = "the device refused: a wrong passkey, or not in pairing mode")
    @ApiResponse(responseCode = "503", description = "Bluetooth failed; try again")
    @RequestBody(content = @Content(mediaType = "application/json", examples = {
            @ExampleObject(name = "passkey", value = "{\"passkey\": \"123456\"}"),
            @ExampleObject(name = "just works", value = "{}")}))
    @Post("/devices/{address}/pair")
    @Consumes(MediaType.APPLICATION_JSON)
    public CompletableFuture<HttpResponse<InstallerViews.Paired>> pair(@PathVariable String address,
                                                                      @Nullable @Body InstallerViews.Pair body) {
        String passkey = body == null || body.passkey() == null ? "" : body.passkey().strip();
        if (!ADDRESS.matcher(address).matches() || !(passkey.isEmpty() || PASSKEY.matcher(passkey).matches())) {
            return CompletableFuture.completedFuture(HttpResponse.badRequest(new InstallerViews.Paired("failed",
                    "The passkey is the 6 digits the device shows or has printed on it.")));
        }
        if (ble.isEmpty()) {
            return CompletableFuture.completedFuture(HttpResponse.status(HttpStatus.CONFLICT).body(
                    new InstallerViews.Paired("failed", "Bluetooth is not enabled on this hub.")));
        }
        return ble.get().pair(address, passkey.isEmpty() ? null : Integer.parseInt(passkey))
                .completeOnTimeout(PairingOutcome.FAILED, PAIRING_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .thenApply(InstallerController::answer);
    }

    private static HttpResponse<InstallerViews.Paired> answer(PairingOutcome outcome) {
        String name = outcome.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (outcome) {
            case PAIRED -> HttpResponse.ok(new InstallerViews.Paired(name,
                    "Paired. The hub serves it once the clinic assigns it to this hub."));
            case ALREADY_PAIRED -> HttpResponse.ok(new InstallerViews.Paired(name, "It was paired already."));
            case REJECTED -> HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY).body(new InstallerViews.Paired(
                    name, "The device refused: check the passkey, and that the device is in pairing mode."));
            case NOT_FOUND -> HttpResponse.status(HttpStatus.NOT_FOUND).body(new InstallerViews.Paired(name,
                    "The device is not nearby any more: put it in pairing mode and scan again."));
            case FAILED -> HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new InstallerViews.Paired(name,
                    "Bluetooth did not answer; try again."));
        };
    }

    private static InstallerViews.Device view(NearbyDevice d) {
        String status = d.assigned() ? "assigned" : d.paired() ? "paired" : "not-paired";
        return new InstallerViews.Device(d.address(), d.name(), d.kind(), status, d.connected(), d.batteryPercent(),
                d.lastReadingAt() == null ? null : d.lastReadingAt().toString());
    }

    private HttpResponse<?> lockedOut(Duration retryAfter) {
        long seconds = Math.max(1, retryAfter.toSeconds());
        return HttpResponse.status(HttpStatus.TOO_MANY_REQUESTS).header("Retry-After", Long.toString(seconds))
                .body(new InstallerViews.Refused("Too many wrong codes: try again later.", null, seconds));
    }

    private void count(String outcome) {
        meters.counter("vitalwire.installer.unlocks", "outcome", outcome).increment();
    }

    static String clientAddress(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }
}
