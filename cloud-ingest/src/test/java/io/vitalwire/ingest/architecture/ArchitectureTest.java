package io.vitalwire.ingest.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The package dependencies cloud-ingest allows, checked on its compiled main classes. The pipeline is declared in
 * the root package ({@code IngestPipeline}); {@code pipeline} is the contract between the engine ({@code inbox}) and
 * the stages ({@code resolve}, {@code fhir}, {@code influx}, {@code rules}; {@code window} serves {@code fhir}):
 *
 * <pre>
 *   root (IngestApplication, IngestPipeline) ──▶ everything; nothing ──▶ root
 *   consume ──▶ inbox ──▶ pipeline ◀── resolve, fhir, influx      stages ─╳─▶ inbox
 *   replay, explain ──▶ inbox (admin features over the engine)     inbox ─╳─▶ any stage
 *   replay ──▶ fhir, influx, window (a key conflict decided: the held reading withdrawn from the sinks)
 *   replay ──▶ events, operations (a payload the contract refused, decoded now, handed to its consumer)
 *   consume ──▶ events, operations ──▶ rules (the one alert insert), notify, tasks   (operations alerts: no stage)
 *   resolve, replay ──▶ installation (which hub a device is installed at; imports no stage)
 *   resolve, replay ──▶ tenancy ──▶ installation (which tenant a gateway belongs to; imports no stage)
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {

    private static final String ROOT = "io.vitalwire.ingest";
    private static final String[] STAGES = {ROOT + ".resolve..", ROOT + ".fhir..", ROOT + ".influx..",
        ROOT + ".window..", ROOT + ".rules..", ROOT + ".billing.."};

    private JavaClasses main;

    @BeforeAll
    void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        assertThat(main.contain(ROOT + ".IngestPipeline")).as("the main classes were found").isTrue();
    }

    /** The feature packages form no cycle (the old root ↔ inbox cycle, for one, would fail this). */
    static final ArchRule NO_CYCLES = slices().matching(ROOT + ".(**)").should().beFreeOfCycles();

    @Test
    void featurePackages_formNoCycle() {
        NO_CYCLES.check(main);
    }

    /** The rule above is not vacuous: two test packages that import each other break it. */
    @Test
    void theCycleRule_failsOnACycle() {
        JavaClasses cycle = new ClassFileImporter().importPackages(ROOT + ".architecture.cycle");
        EvaluationResult result = slices().matching(ROOT + ".architecture.cycle.(*)..").should().beFreeOfCycles()
                .evaluate(cycle);
        assertThat(result.hasViolation()).isTrue();
    }

    /** Only the root declares the pipeline; no feature reaches back into it. */
    @Test
    void nothingDependsOnTheRoot() {
        noClasses().that().resideOutsideOfPackage(ROOT).should().dependOnClassesThat().resideInAPackage(ROOT)
                .check(main);
    }

    /** The engine runs whatever stages are declared, and knows none of them. */
    @Test
    void theEngine_importsNoStage() {
        noClasses().that().resideInAnyPackage(ROOT + ".inbox..", ROOT + ".pipeline..")
                .should().dependOnClassesThat().resideInAnyPackage(STAGES)
                .orShould().dependOnClassesThat().resideInAnyPackage(ROOT + ".consume..", ROOT + ".replay..",
                        ROOT + ".explain..", ROOT + ".events..", ROOT + ".notify..", ROOT + ".operations..")
                .check(main);
    }

    /** Stages speak to the engine only through {@code pipeline}: claims, stores and workers are not theirs. */
    @Test
    void stages_doNotReachIntoTheEngine() {
        noClasses().that().resideInAnyPackage(STAGES).should().dependOnClassesThat()
                .resideInAPackage(ROOT + ".inbox..").check(main);
    }

    /** The transport (MQTT) hands messages to the inbox and knows no stage. */
    @Test
    void theConsumer_knowsNoStage() {
        noClasses().that().resideInAPackage(ROOT + ".consume..").should().dependOnClassesThat()
                .resideInAnyPackage(STAGES).check(main);
    }

    /** Time comes from the injected {@code java.time.Clock}, so windows, backoff and suppression can be tested. */
    @Test
    void timeComesFromTheInjectedClock() {
        noClasses().should().callMethod(Instant.class, "now")
                .orShould().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(LocalDateTime.class, "now")
                .orShould().callMethod(OffsetDateTime.class, "now")
                .orShould().callMethod(ZonedDateTime.class, "now")
                .check(main);
    }
}
