package io.vitalwire.fhirserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import org.junit.jupiter.api.Test;

class JpaStorageConfigTest {

  @Test
  void hibernateProperties_postgresUrl_usesHapiPostgresDialect() {
    assertEquals(
        HapiFhirPostgresDialect.class.getName(),
        JpaStorageConfig.hibernateProperties("jdbc:postgresql://127.0.0.1:15432/fhir")
            .get("hibernate.dialect"));
  }

  @Test
  void hibernateProperties_h2Url_usesHapiH2Dialect() {
    assertEquals(
        HapiFhirH2Dialect.class.getName(),
        JpaStorageConfig.hibernateProperties("jdbc:h2:mem:fhir").get("hibernate.dialect"));
  }

  @Test
  void hibernateProperties_otherDatabase_isRefused() {
    assertThrows(
        IllegalStateException.class,
        () -> JpaStorageConfig.hibernateProperties("jdbc:mysql://localhost/fhir"));
  }
}
