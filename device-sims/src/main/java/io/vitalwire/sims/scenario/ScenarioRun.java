package io.vitalwire.sims.scenario;

import io.vitalwire.sims.bluez.SimDeviceKind;
import io.vitalwire.sims.bluez.SimulatedBluez;
import io.vitalwire.sims.coap.CoapHomeDevice;
import io.vitalwire.sims.coap.HomeDeviceCredential;
import io.vitalwire.sims.coap.HomeDeviceKind;
import io.vitalwire.sims.coap.SenmlPacks;
import io.vitalwire.sims.provision.FhirProvisioner;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.californium.core.coap.CoAP;

/**
 * Runs a home's scenarios against a running gateway: registers the run's patients and devices on the FHIR server as
 * an onboarding would, then plays the timeline —
 * each device on its own thread, so a slow CoAP exchange never delays another device's measurement — and counts
 * what each device measured and, over CoAP, what the gateway accepted (2.04).
 */
public final class ScenarioRun implements AutoCloseable {

    /** What one device did in the run. */
    public record DeviceTally(HomeLayout.HomeDevice device, int measured, int accepted, int failed) {
    }

    private final HomeLayout layout;
    private final SimulatedBluez bluez;
    private final Map<String, String> patients;
    /** {@code Practitioner/<id>} → "given family (role)", for the report. */
    private final Map<String, String> practitioners;
    private final FhirProvisioner provisioner;
    private final HomeControls controls;
    private final URI coapGateway;
    /** The FHIR Device id of each device (by its scenario id), for an operator's assignment. */
    private final Map<String, String> deviceIds = new LinkedHashMap<>();
    private final Map<String, CoapHomeDevice> coap = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicInteger[]> counts = new LinkedHashMap<>();
    private final AtomicInteger measured = new AtomicInteger();
    /** When the timeline began: a measurement is dated when it was due, even if its device was busy sending. */
    private volatile Instant startedAt;

    private ScenarioRun(HomeLayout layout, SimulatedBluez bluez, Map<String, String> patients,
                        Map<String, String> practitioners, FhirProvisioner provisioner, HomeControls controls,
                        URI coapGateway) {
        this.layout = layout;
        this.bluez = bluez;
        this.patients = patients;
        this.practitioners = practitioners;
        this.provisioner = provisioner;
        this.controls = controls;
        this.coapGateway = coapGateway;
    }

    /**
     * Registers the run's patients (with their conditions) and devices (assigned, with user slots, or not) on the
     * FHIR server and readies the CoAP devices.
     *
     * @param bluez the simulated BlueZ the gateway reads, set up by {@link HomeLayout#setUp(SimulatedBluez)}
     * @param coapGateway the gateway's {@code coaps://host:port}
     */
    public static ScenarioRun prepare(HomeLayout layout, URI fhir, SimulatedBluez bluez, URI coapGateway,
                                      HomeControls controls) throws IOException {
        FhirProvisioner provisioner = new FhirProvisioner(fhir);
        Map<String, String> patients = new LinkedHashMap<>();
        Map<String, String> practitioners = new LinkedHashMap<>();
        for (Scenario scenario : layout.scenarios()) {
            for (Scenario.Patient p : scenario.patients()) {
                String id = provisioner.patient(layout.patientIdentifier(p.id()), p.family(), p.given(), p.state());
                if (patients.put(p.id(), id) != null) {
                    throw new IllegalArgumentException("two scenarios name the patient " + p.id());
                }
                if (p.conditions().contains("heart-failure")) {
                    provisioner.heartFailure(id);
                }
                Map<String, String> members = new LinkedHashMap<>();
                for (int i = 0; i < p.careTeam().size(); i++) {
                    Scenario.CareTeamMember m = p.careTeam().get(i);
                    String who = provisioner.practitioner(layout.patientIdentifier(p.id() + "-member-" + i),
                            m.family(), m.given(), m.licensedIn());
                    members.put(who, m.roleCode());
                    practitioners.put("Practitioner/" + who, m.given() + " " + m.family() + " (" + m.role() + ")");
                }
                if (!members.isEmpty()) {
                    provisioner.careTeam(layout.patientIdentifier(p.id() + "-team"), id, members);
                }
            }
        }
        ScenarioRun run = new ScenarioRun(layout, bluez, patients, practitioners, provisioner, controls, coapGateway);
        Instant since = Instant.now().minus(30, ChronoUnit.DAYS); // slots bound before any backdated measurement
        for (HomeLayout.HomeDevice d : layout.devices()) {
            Scenario.Device spec = d.device();
            String owner = spec.patient() != null ? patients.get(spec.patient())
                    : spec.users().isEmpty() ? null : patients.get(spec.users().values().iterator().next());
            String deviceId = provisioner.device(d.serial(), String.valueOf(spec.kind()), owner);
            run.deviceIds.put(d.id(), deviceId);
            for (Map.Entry<Integer, String> slot : spec.users().entrySet()) {
                provisioner.assignUser(deviceId, slot.getKey(), patients.get(slot.getValue()), since);
            }
            if (!d.ble()) {
                run.coap.put(d.id(), new CoapHomeDevice(d.credential(), coapGateway));
            }
            run.counts.put(d.id(), new AtomicInteger[] {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()});
        }
        return run;
    }

    /** The FHIR logical id of each scenario patient in this run. */
    public Map<String, String> patients() {
        return Map.copyOf(patients);
    }

    /** The care teams' members: {@code Practitioner/<id>} → "given family (role)". */
    public Map<String, String> practitioners() {
        return Map.copyOf(practitioners);
    }

    /** How many measurements the timeline holds. */
    public int plannedMeasurements() {
        return (int) plan().stream().filter(p -> p.action() instanceof Planned.Measure).count();
    }

    /** Measurements taken so far. */
    public int measured() {
        return measured.get();
    }

    /** Waits until the gateway listens to every BLE device (connected, notifications on). */
    public void awaitBleListening(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            List<SimDeviceKind> waiting = layout.bleKinds().stream().filter(k -> !bluez.listening(k)).toList();
            if (waiting.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the gateway did not connect to " + waiting + " within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /** Plays the timeline from now; returns when every step has run. */
    public void play() throws InterruptedException {
        Map<String, ScheduledExecutorService> threads = new LinkedHashMap<>();
        List<Future<?>> done = new ArrayList<>();
        long start = System.nanoTime();
        startedAt = Instant.now();
        try {
            for (Planned p : plan()) {
                ScheduledExecutorService thread = threads.computeIfAbsent(p.device(),
                        id -> Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "device-" + id)));
                long delay = start + p.at().toNanos() - System.nanoTime();
                done.add(thread.schedule(() -> {
                    perform(p);
                    return null;
                }, delay, TimeUnit.NANOSECONDS));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a step failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            threads.values().forEach(ScheduledExecutorService::shutdownNow);
        }
    }

    /**
     * The spot Observations each patient's measurements should make in FHIR (scenario patient id → count): one per
     * measurement, two for a blood pressure or an oximeter's spot-check (the measurement and its pulse rate);
     * continuous stream samples make windows instead, and an unassigned device's readings none.
     */
    public Map<String, Integer> spotObservationsExpected() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (Planned p : plan()) {
            if (!(p.action() instanceof Planned.Measure m) || m.continuous()) {
                continue;
            }
            HomeLayout.HomeDevice d = layout.device(p.device());
            if (d.kind() == SimDeviceKind.HEART_RATE_STRAP) {
                continue; // a stream
            }
            String patient = patientOf(d, m);
            if (patient == null) {
                continue;
            }
            String kind = d.kind().name();
            int observations = kind.contains("CUFF") || kind.contains("OXIMETER") ? 2 : 1;
            expected.merge(patient, observations, Integer::sum);
        }
        return expected;
    }

    /**
     * The InfluxDB points each patient's measurements should make (scenario patient id → count): one per value — a
     * blood pressure's systolic, diastolic, mean and pulse; an oximeter's SpO2 and pulse; every stream sample's —
     * and none of an unassigned device's.
     */
    public Map<String, Integer> pointsExpected() {
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (Planned p : plan()) {
            if (p.action() instanceof Planned.Measure m) {
                HomeLayout.HomeDevice d = layout.device(p.device());
                String patient = patientOf(d, m);
                if (patient != null) {
                    String kind = d.kind().name();
                    int values = kind.contains("CUFF") ? 4 : kind.contains("OXIMETER") ? 2 : 1;
                    expected.merge(patient, values, Integer::sum);
                }
            }
        }
        return expected;
    }

    /**
     * Whose a measurement is in the end: its user slot's patient, else the device's, else the patient an operator
     * assigns the device to later (its quarantined readings are then replayed to that patient).
     */
    private String patientOf(HomeLayout.HomeDevice d, Planned.Measure m) {
        Scenario.Device spec = d.device();
        if (!spec.users().isEmpty()) {
            return spec.users().get(m.user());
        }
        if (spec.patient() != null) {
            return spec.patient();
        }
        return d.scenario().steps().stream().filter(s -> d.id().equals(s.device()) && s.assign() != null)
                .map(Scenario.Step::assign).findFirst().orElse(null);
    }

    /** The scenario patient ids and their names, in the order the scenarios list them. */
    public Map<String, String> patientNames() {
        Map<String, String> names = new LinkedHashMap<>();
        layout.scenarios().forEach(s -> s.patients().forEach(p -> names.put(p.id(), p.given() + " " + p.family())));
        return names;
    }

    /** When the last continuous sample (a stream's, windowed by cloud-ingest) is sent, after the start. */
    public Duration lastStreamSample() {
        return plan().stream().filter(p -> p.action() instanceof Planned.Measure m && (m.continuous()
                        || layout.device(p.device()).kind() == SimDeviceKind.HEART_RATE_STRAP))
                .map(Planned::at).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** What each device did, in the layout's order. */
    public List<DeviceTally> tallies() {
        return layout.devices().stream().map(d -> {
            AtomicInteger[] c = counts.get(d.id());
            return new DeviceTally(d, c[0].get(), c[1].get(), c[2].get());
        }).toList();
    }

    private List<Planned> plan() {
        List<Planned> all = new ArrayList<>();
        layout.scenarios().forEach(s -> all.addAll(Timeline.plan(s)));
        all.sort(java.util.Comparator.comparing(Planned::at));
        return all;
    }

    /** How long a Wi-Fi device keeps a measurement the gateway did not take, trying again, before it gives up. */
    private static final Duration COAP_PATIENCE = Duration.ofMinutes(3);

    private void perform(Planned p) throws Exception {
        if (p.action() instanceof Planned.PowerCut cut) {
            controls.powerCut(cut.lasting());
            return;
        }
        if (p.action() instanceof Planned.WifiLost lost) {
            controls.wifiLost(lost.lasting());
            return;
        }
        HomeLayout.HomeDevice d = layout.device(p.device());
        AtomicInteger[] c = counts.get(d.id());
        if (p.action() instanceof Planned.Assign a) {
            provisioner.assign(deviceIds.get(d.id()), patients.get(a.patient()));
            return;
        }
        if (p.action() instanceof Planned.Replay) {
            controls.replayQuarantined(d.serial());
            return;
        }
        if (p.action() instanceof Planned.GoAway g) {
            bluez.remove(d.bleKind(), g.away());
            return;
        }
        if (p.action() instanceof Planned.Battery b) {
            bluez.battery(d.bleKind(), b.level());
            return;
        }
        Planned.Measure m = (Planned.Measure) p.action();
        measured.incrementAndGet();
        c[0].incrementAndGet();
        if (d.ble()) {
            bluez.measure(d.bleKind(), m.vitals(), m.continuous(), m.user(), m.ago());
            return;
        }
        // Dated when it was due: a Wi-Fi device still re-sending an older measurement (the gateway was away) took
        // this one on time and queued it, as firmware does; dating it when sent could give it its successor's second,
        // and one reading key for two measurements.
        Instant at = startedAt.plus(p.at()).minus(m.ago()).truncatedTo(ChronoUnit.SECONDS);
        String pack = SenmlPacks.measurement((HomeDeviceKind) d.kind(), d.serial(), at, m.vitals());
        // A device keeps what the gateway did not acknowledge and tries again, as firmware does; after a gateway
        // restart only a new DTLS handshake gets through, so a new client each time.
        Instant giveUp = Instant.now().plus(COAP_PATIENCE);
        while (true) {
            CoapHomeDevice device = coap.get(d.id());
            try {
                if (device.post(pack) == CoAP.ResponseCode.CHANGED) {
                    c[1].incrementAndGet();
                    return;
                }
            } catch (IOException noAnswer) {
                // tried again below
            }
            if (Instant.now().isAfter(giveUp)) {
                c[2].incrementAndGet();
                return;
            }
            device.close();
            HomeDeviceCredential key = d.credential();
            coap.put(d.id(), new CoapHomeDevice(key.kind(), key.serial(), key.key(), coapGateway, Duration.ofSeconds(5)));
            Thread.sleep(2_000);
        }
    }

    @Override
    public void close() {
        coap.values().forEach(CoapHomeDevice::close);
    }
}
