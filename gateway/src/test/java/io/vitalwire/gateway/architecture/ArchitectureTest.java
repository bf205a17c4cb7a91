package io.vitalwire.gateway.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The package dependencies the gateway allows, checked on its compiled main classes. A reading travels
 * sources → intake → normalize → buffer → uplink:
 *
 * <pre>
 *   coap, ble ──▶ intake ──▶ normalize, buffer        transports ─╳─▶ buffer, uplink (they know nothing of the core)
 *   ble ──▶ events ◀── uplink (device events)          events ─╳─▶ any other package of the gateway
 *   uplink ──▶ buffer                                  buffer ─╳─▶ intake, transports, uplink
 *   root (GatewayApplication) ──▶ anything; nothing ──▶ root
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ArchitectureTest {

    private static final String ROOT = "io.vitalwire.gateway";
    private static final String[] TRANSPORTS = {ROOT + ".coap..", ROOT + ".ble.."};

    private JavaClasses main;

    @BeforeAll
    void importMain() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        assertThat(main.contain(ROOT + ".intake.ReadingIntake")).as("the main classes were found").isTrue();
    }

    @Test
    void packages_formNoCycle() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void nothingDependsOnTheRoot() {
        noClasses().that().resideOutsideOfPackage(ROOT).should().dependOnClassesThat().resideInAPackage(ROOT)
                .check(main);
    }

    /** Transports hand decoded measurements to the intake, as Californium's connectors know nothing of its core. */
    @Test
    void transports_knowNothingOfTheBufferOrTheUplink() {
        noClasses().that().resideInAnyPackage(TRANSPORTS).should().dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".buffer..", ROOT + ".uplink..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName(ROOT + ".normalize.Normalizer")
                .check(main);
    }

    /** Device events: an interface the transports hand them to and the uplink implements, owned by neither. */
    @Test
    void events_areNeutral() {
        noClasses().that().resideInAPackage(ROOT + ".events..").should().dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".coap..", ROOT + ".ble..", ROOT + ".intake..", ROOT + ".normalize..",
                        ROOT + ".buffer..", ROOT + ".uplink..")
                .check(main);
    }

    @Test
    void theIntake_knowsNoTransport() {
        noClasses().that().resideInAPackage(ROOT + ".intake..").should().dependOnClassesThat()
                .resideInAnyPackage(TRANSPORTS).orShould().dependOnClassesThat()
                .resideInAPackage(ROOT + ".uplink..").check(main);
    }

    @Test
    void theBuffer_knowsNothingUpstreamOrDownstream() {
        noClasses().that().resideInAPackage(ROOT + ".buffer..").should().dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".intake..", ROOT + ".coap..", ROOT + ".ble..", ROOT + ".uplink..",
                        ROOT + ".normalize..", ROOT + ".events..")
                .check(main);
    }

    @Test
    void theUplink_readsTheBufferOnly() {
        noClasses().that().resideInAPackage(ROOT + ".uplink..").should().dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".intake..", ROOT + ".coap..", ROOT + ".ble..", ROOT + ".normalize..")
                .check(main);
    }

    @Test
    void timeComesFromAClock() {
        noClasses().should().callMethod(Instant.class, "now").orShould()
                .callMethod(System.class, "currentTimeMillis").check(main);
    }
}
