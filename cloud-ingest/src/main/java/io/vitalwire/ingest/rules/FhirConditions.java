package io.vitalwire.ingest.rules;

import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A patient's conditions from the FHIR server's problem list: active, not refuted {@code Condition}s coded in SNOMED
 * CT or ICD-10(-CM). Read again after {@link RulesConfig#getConditionsTtl()}; while the server is unreachable the
 * last answer stands, however old, and a patient never read is unknown.
 */
@Singleton
public class FhirConditions {

    private static final Logger LOG = LoggerFactory.getLogger(FhirConditions.class);
    private static final String SNOMED = "http://snomed.info/sct";
    /** SNOMED CT concepts per condition: the concept and the descendants EHRs commonly record. */
    private static final Map<Condition, Set<String>> SNOMED_CODES = Map.of(
            Condition.HEART_FAILURE, Set.of("84114007", "42343007", "85232009", "88805009", "367363000",
                    "417996009", "418304008", "703272007", "446221000", "10335000", "10633002", "5148006"),
            Condition.COPD, Set.of("13645005", "195951007", "313296004"),
            Condition.DIABETES_TYPE_1, Set.of("46635009"),
            Condition.DIABETES_TYPE_2, Set.of("44054006"),
            Condition.HYPERTENSION, Set.of("38341003", "59621000"));
    /** ICD-10 category prefixes per condition (I50 heart failure, J44 COPD, E10/E11 diabetes, I10 hypertension). */
    private static final Map<Condition, String> ICD10_PREFIXES = Map.of(
            Condition.HEART_FAILURE, "I50", Condition.COPD, "J44", Condition.DIABETES_TYPE_1, "E10",
            Condition.DIABETES_TYPE_2, "E11", Condition.HYPERTENSION, "I10");

    private final IGenericClient fhir;
    private final Clock clock;
    private final Duration ttl;
    private final Cache<String, Read> read = Caffeine.newBuilder().maximumSize(100_000).build();

    private record Read(Set<Condition> conditions, Instant at) {
    }

    public FhirConditions(IGenericClient fhir, RulesConfig config, Clock clock) {
        this.fhir = fhir;
        this.clock = clock;
        this.ttl = config.getConditionsTtl();
    }

    /** The patient's conditions if read within the TTL, without asking the server; else empty. */
    public Optional<Set<Condition>> fresh(String patientId) {
        Read cached = read.getIfPresent(patientId);
        if (cached != null && Duration.between(cached.at(), clock.instant()).compareTo(ttl) < 0) {
            return Optional.of(cached.conditions());
        }
        return Optional.empty();
    }

    /** The patient's conditions; empty when the server cannot be asked and has never answered for this patient. */
    public Optional<Set<Condition>> of(String patientId) {
        Optional<Set<Condition>> fresh = fresh(patientId);
        if (fresh.isPresent()) {
            return fresh;
        }
        Read cached = read.getIfPresent(patientId);
        Instant now = clock.instant();
        try {
            Set<Condition> found = search(patientId);
            read.put(patientId, new Read(found, now));
            return Optional.of(found);
        } catch (RuntimeException e) {
            // Patient id only: the reason names the server, never a diagnosis.
            LOG.warn("conditions of a patient could not be read ({}); {}", e.getMessage(),
                    cached == null ? "unknown" : "using those read at " + cached.at());
            return cached == null ? Optional.empty() : Optional.of(cached.conditions());
        }
    }

    private Set<Condition> search(String patientId) {
        Bundle bundle = fhir.search().forResource(org.hl7.fhir.r4.model.Condition.class)
                .where(org.hl7.fhir.r4.model.Condition.PATIENT.hasId("Patient/" + patientId))
                .and(org.hl7.fhir.r4.model.Condition.CLINICAL_STATUS.exactly().code("active"))
                .count(200)
                .returnBundle(Bundle.class)
                .cacheControl(new CacheControlDirective().setNoCache(true))
                .execute();
        Set<Condition> conditions = EnumSet.noneOf(Condition.class);
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            if (e.getResource() instanceof org.hl7.fhir.r4.model.Condition c && !refuted(c)) {
                conditions.addAll(coded(c.getCode()));
            }
        }
        return conditions;
    }

    private static boolean refuted(org.hl7.fhir.r4.model.Condition c) {
        return c.getVerificationStatus().getCoding().stream()
                .anyMatch(v -> "refuted".equals(v.getCode()) || "entered-in-error".equals(v.getCode()));
    }

    static Set<Condition> coded(CodeableConcept code) {
        Set<Condition> found = EnumSet.noneOf(Condition.class);
        for (Coding coding : code.getCoding()) {
            String system = coding.getSystem();
            String value = coding.getCode();
            if (system == null || value == null) {
                continue;
            }
            if (system.equals(SNOMED)) {
                SNOMED_CODES.forEach((condition, codes) -> {
                    if (codes.contains(value)) {
                        found.add(condition);
                    }
                });
            } else if (system.startsWith("http://hl7.org/fhir/sid/icd-10")) {
                ICD10_PREFIXES.forEach((condition, prefix) -> {
                    if (value.toUpperCase(Locale.ROOT).startsWith(prefix)) {
                        found.add(condition);
                    }
                });
            }
        }
        return found;
    }
}
