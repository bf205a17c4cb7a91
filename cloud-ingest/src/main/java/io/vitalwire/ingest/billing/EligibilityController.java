package io.vitalwire.ingest.billing;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.vitalwire.contract.Topic;
import io.vitalwire.ingest.security.AdminRoles;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /admin/billing/eligibility?tenant=&periodEnd=YYYY-MM-DD} (or {@code periodStart=}): for a clinic's biller,
 * per patient with readings in the 30-day period (both dates inclusive, each patient's own calendar), the distinct
 * days with at least one transmitted reading and the codes the period meets ({@link BillingCode}). Optional:
 * {@code code} (only patients whose period meets it), {@code limit} (default 1000, at most 50,000) and {@code after}
 * (the previous page's {@code next}: patients in id order). JSON, or CSV with {@code Accept: text/csv} or
 * {@code format=csv} (the next page then in a {@code Link} header, as for JSON too). Any admin role reads it.
 */
@Controller("/admin/billing")
@Secured({AdminRoles.AUDITOR, AdminRoles.OPERATOR, AdminRoles.CLINICAL_ADMIN})
@ExecuteOn(TaskExecutors.BLOCKING)
public class EligibilityController {

    static final MediaType CSV = MediaType.of("text/csv");
    private static final int MAX_LIMIT = 50_000;

    private final ReadingDays days;
    private final List<BillingCode> codes;
    private final BillingConfig config;

    public EligibilityController(ReadingDays days, List<BillingCode> codes, BillingConfig config) {
        this.days = days;
        this.codes = codes.stream().sorted(Comparator.comparing(BillingCode::getMinDays)).toList();
        this.config = config;
    }

    /**
     * RPM billing eligibility: per patient, the distinct days with a transmitted reading in the 30-day period, counted
     * in the patient's time zone by measurement time, and the codes the period meets; JSON or CSV, paged.
     */
    @ApiResponse(responseCode = "200", description = "a page of patients' periods (text/csv: the same rows)",
            content = {@Content(mediaType = "application/json",
                    schema = @Schema(implementation = EligibilityReport.class),
                    examples = @ExampleObject(name = "one patient", value = "{\"tenant\": \"acme\", "
                            + "\"periodStart\": \"2026-11-01\", \"periodEnd\": \"2026-11-30\", \"periodDays\": 30, "
                            + "\"codes\": [{\"code\": \"99445\", \"minDays\": 2, \"maxDays\": 15}, {"
                            + "\"code\": \"99454\", \"minDays\": 16, \"maxDays\": null}], \"patients\": [{"
                            + "\"patient\": \"patient-0042\", \"zone\": \"America/Chicago\", "
                            + "\"countedInZones\": [\"America/Chicago\"], \"daysWithReadings\": 2, "
                            + "\"dates\": [\"2026-11-02\", \"2026-11-03\"], \"meets\": [\"99445\"]}], "
                            + "\"next\": \"patient-0042\"}")),
                @Content(mediaType = "text/csv", schema = @Schema(type = "string"))})
    @ApiResponse(responseCode = "400", description = "a parameter is invalid; the text says which")
    @Get(value = "/eligibility", produces = {MediaType.APPLICATION_JSON, "text/csv"})
    public HttpResponse<?> eligibility(@Nullable @QueryValue String tenant, @Nullable @QueryValue String periodStart,
                                       @Nullable @QueryValue String periodEnd, @Nullable @QueryValue String code,
                                       @QueryValue(defaultValue = "1000") int limit,
                                       @Nullable @QueryValue String after, @Nullable @QueryValue String format,
                                       @Nullable @Header(HttpHeaders.ACCEPT) String accept) throws SQLException {
        if (tenant == null || !Topic.isSegment(tenant)) {
            return HttpResponse.badRequest("tenant: as in the topic (letters, digits, '_', '-')");
        }
        if (after != null && !Ids.PATIENT.matcher(after).matches()) {
            return HttpResponse.badRequest("after: the previous page's next");
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            return HttpResponse.badRequest("limit: 1.." + MAX_LIMIT);
        }
        Optional<LocalDate[]> period = period(periodStart, periodEnd);
        if (period.isEmpty()) {
            return HttpResponse.badRequest("exactly one of periodStart and periodEnd, as YYYY-MM-DD");
        }
        int minDays = 1;
        int maxDays = config.getPeriodDays();
        if (code != null) {
            Optional<BillingCode> wanted = codes.stream().filter(c -> c.getCode().equals(code)).findFirst();
            if (wanted.isEmpty()) {
                return HttpResponse.badRequest("code: one of " + codes.stream().map(BillingCode::getCode).toList());
            }
            minDays = Math.max(1, wanted.get().getMinDays());
            maxDays = wanted.get().getMaxDays() == null ? maxDays : wanted.get().getMaxDays();
        }
        LocalDate first = period.get()[0];
        LocalDate last = period.get()[1];
        List<ReadingDays.PatientDays> found = days.find(tenant, first, last, after == null ? "" : after, minDays,
                maxDays, limit + 1);
        String next = found.size() > limit ? found.get(limit - 1).patient() : null;
        List<EligibilityReport.PatientPeriod> patients = new ArrayList<>();
        for (ReadingDays.PatientDays p : found.subList(0, Math.min(limit, found.size()))) {
            int count = p.days().size();
            List<String> meets = codes.stream().filter(c -> c.metBy(count)).map(BillingCode::getCode).toList();
            patients.add(new EligibilityReport.PatientPeriod(p.patient(), p.zone(), p.zones(), count,
                    p.days(), meets));
        }
        EligibilityReport report = new EligibilityReport(tenant, first.toString(), last.toString(),
                config.getPeriodDays(), codes.stream().map(c -> new EligibilityReport.Threshold(c.getCode(), c.getMinDays(), c.getMaxDays()))
                        .toList(), patients, next);
        boolean csv = "csv".equals(format) || (format == null && accept != null && accept.contains("text/csv"));
        MutableHttpResponse<?> response = csv
                ? HttpResponse.ok(report.csv()).contentType(CSV).header(HttpHeaders.CONTENT_DISPOSITION,
                        "attachment; filename=\"rpm-eligibility-" + tenant + "-" + last + ".csv\"")
                : HttpResponse.ok(report).contentType(MediaType.APPLICATION_JSON_TYPE);
        if (next != null) {
            response.header(HttpHeaders.LINK, "<" + link(tenant, first, code, limit, next, format) + ">; rel=\"next\"");
        }
        return response;
    }

    /** [first, last] of the period from one of its ends. */
    private Optional<LocalDate[]> period(String start, String end) {
        if ((start == null) == (end == null)) {
            return Optional.empty();
        }
        try {
            int length = config.getPeriodDays();
            if (start != null) {
                LocalDate first = LocalDate.parse(start);
                return Optional.of(new LocalDate[] {first, first.plusDays(length - 1L)});
            }
            LocalDate last = LocalDate.parse(end);
            return Optional.of(new LocalDate[] {last.minusDays(length - 1L), last});
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String link(String tenant, LocalDate first, String code, int limit, String next, String format) {
        return "/admin/billing/eligibility?tenant=" + tenant + "&periodStart=" + first
                + (code == null ? "" : "&code=" + URLEncoder.encode(code, StandardCharsets.UTF_8)) + "&limit=" + limit
                + "&after=" + next + (format == null ? "" : "&format=" + URLEncoder.encode(format,
                StandardCharsets.UTF_8));
    }
}
