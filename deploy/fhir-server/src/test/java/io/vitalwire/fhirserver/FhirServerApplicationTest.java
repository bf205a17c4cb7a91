package io.vitalwire.fhirserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Boots the real server (HAPI JPA on H2 in memory) on a random port and talks FHIR to it over
 * HTTP, as the gateway and cloud-ingest will.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = "logging.level.root=WARN")
class FhirServerApplicationTest {

  private static final String SYSTEM = "urn:test";
  private static final String VALUE = "abc";

  @LocalServerPort private int port;
  @Autowired private FhirContext fhirContext;

  private String baseUrl;
  private IGenericClient client;

  @BeforeEach
  void connect() {
    baseUrl = "http://127.0.0.1:" + port + "/fhir";
    client = fhirContext.newRestfulGenericClient(baseUrl);
  }

  @Test
  void metadata_returnsR4CapabilityStatement() {
    CapabilityStatement capabilities =
        client.capabilities().ofType(CapabilityStatement.class).execute();

    assertNotNull(capabilities);
    assertEquals("4.0.1", capabilities.getFhirVersion().toCode());
    assertTrue(
        capabilities.getRestFirstRep().getResource().stream()
            .anyMatch(r -> r.getType().equals("Observation")),
        "Observation is served");
  }

  @Test
  void transaction_conditionalCreate_createsOnceThenMatches() throws Exception {
    Bundle first = client.transaction().withBundle(heartRateBundle()).execute();
    assertEquals(List.of("201 Created"), statuses(first));

    Bundle second = client.transaction().withBundle(heartRateBundle()).execute();
    assertEquals(List.of("200 OK"), statuses(second));

    // A literal '|' in the query, as curl and many clients send it: Tomcat must accept it.
    Bundle found =
        fhirContext
            .newJsonParser()
            .parseResource(Bundle.class, get("/Observation?identifier=" + SYSTEM + "|" + VALUE));
    assertEquals(1, found.getEntry().size());
    assertEquals(1, found.getTotal());
  }

  @Test
  void search_countAboveHapiDefaultMaximum_returnsFullPage() throws Exception {
    int readings = 120; // above HAPI's default page cap of 50, below our maximum of 500
    Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
    for (int i = 0; i < readings; i++) {
      Observation observation = new Observation();
      observation.setStatus(ObservationStatus.FINAL);
      observation.addIdentifier().setSystem("urn:test:paging").setValue("r" + i);
      observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
      bundle.addEntry().setResource(observation).getRequest().setMethod(HTTPVerb.POST).setUrl("Observation");
    }
    client.transaction().withBundle(bundle).execute();

    Bundle page =
        fhirContext
            .newJsonParser()
            .parseResource(
                Bundle.class, get("/Observation?identifier=urn:test:paging|&_count=" + readings));
    assertEquals(readings, page.getEntry().size());
  }

  /** One heart-rate Observation, created only if none with its identifier exists yet. */
  private static Bundle heartRateBundle() {
    Observation observation = new Observation();
    observation.setStatus(ObservationStatus.FINAL);
    observation.addIdentifier().setSystem(SYSTEM).setValue(VALUE);
    observation.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
    observation.setValue(new Quantity().setValue(72).setUnit("/min"));

    Bundle bundle = new Bundle().setType(BundleType.TRANSACTION);
    BundleEntryComponent entry = bundle.addEntry().setFullUrl("urn:uuid:hr-1").setResource(observation);
    entry
        .getRequest()
        .setMethod(HTTPVerb.POST)
        .setUrl("Observation")
        .setIfNoneExist("identifier=" + SYSTEM + "|" + VALUE);
    return bundle;
  }

  private static List<String> statuses(Bundle response) {
    return response.getEntry().stream().map(e -> e.getResponse().getStatus()).toList();
  }

  /** A GET with the path sent exactly as given (java.net.URL does not re-encode it). */
  private String get(String pathAndQuery) throws Exception {
    HttpURLConnection connection = (HttpURLConnection) new URL(baseUrl + pathAndQuery).openConnection();
    connection.setRequestProperty("Accept", "application/fhir+json");
    try {
      assertEquals(200, connection.getResponseCode(), "GET " + pathAndQuery);
      try (InputStream body = connection.getInputStream()) {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
      }
    } finally {
      connection.disconnect();
    }
  }
}
