package io.vitalwire.ingest.bench;

import io.vitalwire.testing.TestTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import io.micronaut.runtime.server.EmbeddedServer;
import io.vitalwire.ingest.billing.ReadingDays;

/**
 * The operator's and the clinic's views (issue 16, section 4) on a large generated fleet: {@code GET /admin/fleet}
 * and {@code GET /admin/billing/eligibility} over real HTTP from cloud-ingest's application context, in-process on the
 * dev stack's PostgreSQL, against a schema of its own filled by {@code generate_series}: 10,000 hubs with presence in
 * 10 tenants plus 200 registered and never heard of, 2 devices per hub with a battery each; 50,000 patients of one
 * organization (the worst case for one report) in 5 time zones, each with readings on ~70 % of the last 45 days
 * (~1.6 M patient-days). A smaller fleet keeps these proportions (5 patients a hub).
 *
 * <p>Each case: {@code rounds} rounds, each {@code requests} requests of ours (HTTP, JSON or CSV, with the token
 * check) alternated with as many of the baseline — the same SQL the endpoint's store runs, on a JDBC connection of
 * the same pool, without HTTP, security or serialisation — and a {@code SELECT count(*)} over the rows the case
 * reads. Printed per case: the median of the rounds' medians (ms) with their min–max, for each path. Fails if the
 * report of every patient in one CSV does not hold as many patients as the same SQL alone finds.
 *
 * <p>{@code deploy/dev/bench.sh admin-views [rounds] [requests per round] [hubs]} (defaults 5, 20, 10000).
 */
public final class AdminViewsBenchmark {

    private static final String CLINIC = "bench-clinic";

    private AdminViewsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = BenchStats.intArg(args, 0, 5);
        int requests = BenchStats.intArg(args, 1, 20);
        Fleet fleet = new Fleet(BenchStats.intArg(args, 2, 10_000));
        try (BenchContext context = new BenchContext(Map.of("vitalwire.ingest.inbox.workers-enabled", "false",
                "vitalwire.ingest.operations.sweep-enabled", "false",
                "vitalwire.ingest.billing.codes.99445.min-days", "2",
                "vitalwire.ingest.billing.codes.99445.max-days", "15"))) {
            DataSource db = context.bean(DataSource.class);
            long started = System.nanoTime();
            generate(db, fleet);
            System.out.printf("generated in %.1f s: %s%n", BenchStats.seconds(started), sizes(db));
            EmbeddedServer server = context.bean(EmbeddedServer.class);
            server.start();
            URI base = URI.create(server.getURL().toString());
            Bench bench = new Bench(base, db, rounds, requests);
            String end = "current_date - 1";
            String periodEnd = scalar(db, "SELECT (" + end + ")::text");
            String middle = cursor(fleet.middleHub());

            System.out.printf("%nAdmin views, %d rounds of %d requests, medians of the rounds' medians (min-max):%n",
                    rounds, requests);
            System.out.printf("%-72s %22s %22s %22s%n", "case", "HTTP ms (min-max)", "SQL only ms", "count(*) ms");
            bench.run("fleet, first page of 100, all tenants", "/admin/fleet",
                    FLEET_SQL + " LIMIT 101", "SELECT count(*) FROM gateway_presence");
            bench.run("fleet, a middle page of 1000", "/admin/fleet?limit=1000&after=" + middle,
                    FLEET_SQL + " WHERE (tenant, gateway) > ('tenant-05', '" + fleet.middleHub() + "') LIMIT 1001",
                    "SELECT count(*) FROM gateway_presence");
            bench.run(String.format("fleet, tenant-00 offline for more than PT6H (%,d hubs)", fleet.hubs() / 20),
                    "/admin/fleet?tenant=tenant-00"
                    + "&offlineForMoreThan=PT6H&limit=1000", FLEET_SQL + " WHERE tenant = 'tenant-00' AND "
                    + "last_heard_at < now() - interval '6 hours' LIMIT 1001",
                    "SELECT count(*) FROM gateway_presence WHERE tenant = 'tenant-00'");
            String billing = "/admin/billing/eligibility?tenant=" + CLINIC + "&periodEnd=" + periodEnd;
            String billingSql = BILLING_SQL.replace("$END", end);
            String billingCount = "SELECT count(*) FROM patient_reading_day WHERE tenant = '" + CLINIC
                    + "' AND day BETWEEN " + end + " - 29 AND " + end;
            bench.run("billing, first page of 1000 patients, JSON", billing, billingSql + " LIMIT 1001",
                    billingCount + " AND patient <= 'p001000'");
            String middlePatient = Fleet.patient(fleet.patients() / 2);
            bench.run("billing, a middle page of 1000, CSV", billing + "&format=csv&after=" + middlePatient,
                    billingSql.replace("patient > ''", "patient > '" + middlePatient + "'") + " LIMIT 1001",
                    billingCount + " AND patient BETWEEN '" + middlePatient + "' AND '"
                            + Fleet.patient(fleet.patients() / 2 + 1000) + "'");
            bench.run("billing, code=99454 only, first page of 1000", billing + "&code=99454",
                    billingSql.replace("count(*) >= 1", "count(*) >= 16") + " LIMIT 1001",
                    billingCount + " AND patient <= 'p001500'");
            String everyone = billing + "&format=csv&limit=" + fleet.patients();
            bench.fewer(5).run(String.format("billing, all %,d patients in one CSV (limit=%d)", fleet.patients(),
                    fleet.patients()), everyone, billingSql + " LIMIT " + (fleet.patients() + 1), billingCount);
            bench.checkRows(everyone, billingSql);
            stageCost(context.bean(ReadingDays.class), db, rounds, requests);
        }
    }

    /** A page of the fleet as FleetStore reads it (presence only; the never-heard union is in the endpoint's). */
    private static final String FLEET_SQL = "SELECT p.*, (SELECT json_agg(json_build_object('device', i.device, "
            + "'battery', b.level) ORDER BY i.device) FROM device_installation i LEFT JOIN device_battery b "
            + "ON b.tenant = i.tenant AND b.device = i.device WHERE i.tenant = p.tenant AND i.gateway = p.gateway) "
            + "FROM (SELECT * FROM gateway_presence ORDER BY tenant, gateway) p";

    private static final String BILLING_SQL = "SELECT patient, string_agg(day::text, ' ' ORDER BY day), "
            + "string_agg(DISTINCT zone, ' ') "
            + "FROM patient_reading_day WHERE tenant = '" + CLINIC + "' AND patient > '' "
            + "AND day BETWEEN $END - 29 AND $END GROUP BY patient HAVING count(*) >= 1 ORDER BY patient";

    /** The generated fleet's size: {@code hubs} hubs, 2 % more registered and never heard of, 5 patients a hub. */
    private record Fleet(int hubs) {

        int patients() {
            return hubs * 5;
        }

        /** tenant-05's hubs numbered below the middle come before a middle page's cursor. */
        String middleHub() {
            return String.format("hub-%06d", hubs / 2);
        }

        static String patient(int number) {
            return String.format("p%06d", number);
        }
    }

    /** Ours, the SQL alone and a count, alternated request by request, in rounds. */
    private record Bench(URI base, DataSource db, int rounds, int requests) {

        /** The same with {@code factor} times fewer requests per round (a slow case). */
        Bench fewer(int factor) {
            return new Bench(base, db, rounds, Math.max(1, requests / factor));
        }

        void run(String name, String path, String sql, String countSql) throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            String token = TestTokens.shared().admin();
            double[] ours = new double[rounds];
            double[] plain = new double[rounds];
            double[] count = new double[rounds];
            long bytes = 0;
            for (int warm = 0; warm < 3; warm++) {
                bytes = get(http, path, token);
                query(sql);
                query(countSql);
            }
            for (int r = 0; r < rounds; r++) {
                double[] o = new double[requests];
                double[] p = new double[requests];
                double[] c = new double[requests];
                for (int i = 0; i < requests; i++) {
                    long t = System.nanoTime();
                    get(http, path, token);
                    o[i] = (System.nanoTime() - t) / 1e6;
                    t = System.nanoTime();
                    query(sql);
                    p[i] = (System.nanoTime() - t) / 1e6;
                    t = System.nanoTime();
                    query(countSql);
                    c[i] = (System.nanoTime() - t) / 1e6;
                }
                ours[r] = median(o);
                plain[r] = median(p);
                count[r] = median(c);
            }
            System.out.printf("%-72s %22s %22s %22s%n", name + " (" + bytes / 1024 + " KiB)", summary(ours),
                    summary(plain), summary(count));
        }

        /** The CSV report at {@code path} lists exactly the patients {@code sql} finds: a line each, and a header. */
        void checkRows(String path, String sql) throws Exception {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", TestTokens.shared().admin()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            long patients = response.body().lines().count() - 1;
            long expected = query(sql);
            if (response.statusCode() != 200 || patients != expected || expected == 0) {
                throw new IllegalStateException("HTTP " + response.statusCode() + ", " + patients + " patients in "
                        + path + ", " + expected + " in the SQL alone");
            }
        }

        private long get(HttpClient http, String path, String token) throws Exception {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Authorization", token).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + response.statusCode() + " for " + path);
            }
            return response.body().length;
        }

        /** Runs {@code sql} and reads every row. @return the rows */
        private long query(String sql) throws Exception {
            long rows = 0;
            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    rs.getObject(1);
                    rows++;
                }
            }
            return rows;
        }
    }

    /**
     * What the reading-days tally adds per resolve claim: {@link ReadingDays#count} of 100 readings of 100 patients (a claim's
     * size), each on a new day, vs the same arrays inserted into a plain table (no zone lookup, no conflict check, no
     * index).
     */
    private static void stageCost(ReadingDays days, DataSource db, int rounds, int requests) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bench_plain_day (tenant TEXT, patient TEXT, day DATE, zone TEXT, "
                    + "first_measured_at TIMESTAMPTZ, last_received_at TIMESTAMPTZ)");
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
        double[] ours = new double[rounds];
        double[] plain = new double[rounds];
        int batch = 0;
        Instant now = Instant.now();
        for (int r = 0; r < rounds; r++) {
            double[] o = new double[requests];
            double[] p = new double[requests];
            for (int i = 0; i < requests; i++) {
                List<ReadingDays.Counted> claim = new ArrayList<>();
                Instant measured = now.plus(Duration.ofDays(++batch));
                for (int k = 0; k < 100; k++) {
                    claim.add(new ReadingDays.Counted(CLINIC, String.format("p%06d", 1 + k * 500), measured, now));
                }
                long t = System.nanoTime();
                days.count(claim);
                o[i] = (System.nanoTime() - t) / 1e6;
                t = System.nanoTime();
                try (Connection c = db.getConnection(); PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO bench_plain_day SELECT t, p, (m AT TIME ZONE 'UTC')::date, 'UTC', m, r "
                                + "FROM unnest(?::text[], ?::text[], ?::timestamptz[], ?::timestamptz[]) "
                                + "AS x (t, p, m, r)")) {
                    c.setAutoCommit(false);
                    insert.setArray(1, c.createArrayOf("text", claim.stream().map(ReadingDays.Counted::tenant)
                            .toArray()));
                    insert.setArray(2, c.createArrayOf("text", claim.stream().map(ReadingDays.Counted::patient)
                            .toArray()));
                    insert.setArray(3, c.createArrayOf("timestamptz", claim.stream()
                            .map(x -> Timestamp.from(x.measuredAt())).toArray()));
                    insert.setArray(4, c.createArrayOf("timestamptz", claim.stream()
                            .map(x -> Timestamp.from(x.receivedAt())).toArray()));
                    insert.executeUpdate();
                    c.commit();
                }
                p[i] = (System.nanoTime() - t) / 1e6;
            }
            ours[r] = median(o);
            plain[r] = median(p);
        }
        System.out.printf("%-72s %22s %22s%n", "reading-days tally, one claim of 100 readings: count / plain insert",
                summary(ours), summary(plain));
    }

    private static String summary(double[] medians) {
        double[] sorted = medians.clone();
        Arrays.sort(sorted);
        return String.format("%.1f (%.1f-%.1f)", median(sorted), sorted[0], sorted[sorted.length - 1]);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static void generate(DataSource db, Fleet fleet) throws Exception {
        List<String> statements = new ArrayList<>(List.of(
                "SELECT setseed(0.16)",
                // Every 20th hub offline for 8 hours, the rest heard of 30 s ago.
                "INSERT INTO gateway_presence (tenant, gateway, state, state_since, state_at, software, "
                        + "last_status_at, queue_depth, oldest_unsent_ms, uplink, last_heard_at) "
                        + "SELECT 'tenant-' || lpad((g % 10)::text, 2, '0'), 'hub-' || lpad(g::text, 6, '0'), "
                        + "CASE WHEN g % 20 = 0 THEN 'OFFLINE' ELSE 'ONLINE' END, now() - interval '3 days', "
                        + "now() - interval '3 days', '1.4.' || (g % 3), now() - CASE WHEN g % 20 = 0 "
                        + "THEN interval '8 hours' ELSE interval '30 seconds' END, g % 50, (g % 50) * 1000, "
                        + "'connected', now() - CASE WHEN g % 20 = 0 THEN interval '8 hours' "
                        + "ELSE interval '30 seconds' END FROM generate_series(1, " + fleet.hubs() + ") g",
                "INSERT INTO gateway_tenant (gateway, tenant, registered_at, registered_by) "
                        + "SELECT 'hub-' || lpad(g::text, 6, '0'), 'tenant-' || lpad((g % 10)::text, 2, '0'), "
                        + "now(), 'bench' FROM generate_series(1, " + (fleet.hubs() + fleet.hubs() / 50) + ") g",
                "INSERT INTO device_installation (device, tenant, gateway, installed_at, installed_by) "
                        + "SELECT 'sn.BENCH-' || g || '-' || d, 'tenant-' || lpad((g % 10)::text, 2, '0'), "
                        + "'hub-' || lpad(g::text, 6, '0'), now(), 'bench' "
                        + "FROM generate_series(1, " + fleet.hubs() + ") g, generate_series(1, 2) d",
                "INSERT INTO device_battery (tenant, device, gateway, level, reported_at) "
                        + "SELECT tenant, device, gateway, (random() * 100)::int, now() FROM device_installation",
                "INSERT INTO patient_time_zone (tenant, patient, zone, updated_at, updated_by) "
                        + "SELECT '" + CLINIC + "', 'p' || lpad(p::text, 6, '0'), (ARRAY['America/New_York', "
                        + "'America/Chicago', 'America/Denver', 'America/Los_Angeles', 'Europe/Berlin'])[1 + p % 5], "
                        + "now(), 'bench' FROM generate_series(1, " + fleet.patients() + ") p",
                "INSERT INTO patient_reading_day (tenant, patient, day, zone, first_measured_at, last_received_at) "
                        + "SELECT z.tenant, z.patient, d::date, z.zone, d + interval '9 hours', "
                        + "d + interval '9 hours 1 minute' FROM patient_time_zone z, "
                        + "generate_series(current_date - 45, current_date - 1, interval '1 day') d "
                        + "WHERE z.tenant = '" + CLINIC + "' AND random() < 0.7",
                "ANALYZE"));
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    private static String sizes(DataSource db) throws Exception {
        return "hubs " + scalar(db, "SELECT count(*) FROM gateway_presence") + ", devices "
                + scalar(db, "SELECT count(*) FROM device_installation") + ", patients "
                + scalar(db, "SELECT count(*) FROM patient_time_zone") + ", patient-days "
                + scalar(db, "SELECT count(*) FROM patient_reading_day");
    }

    /** A cursor in the middle of the fleet: after tenant-05's hubs numbered below {@code hub}. */
    private static String cursor(String hub) {
        return java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("tenant-05/" + hub).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String scalar(DataSource db, String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
