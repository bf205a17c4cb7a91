/**
 * Test helpers that the tests of several modules share, one class per concern:
 *
 * <ul>
 *   <li>where the local stack of real services is ({@link io.vitalwire.testing.StackSettings}), a PostgreSQL
 *       schema of a test's own there ({@link io.vitalwire.testing.PostgresSchema}), and free loopback ports
 *       ({@link io.vitalwire.testing.FreePorts});</li>
 *   <li>readings as a gateway makes them ({@link io.vitalwire.testing.GatewayReadings}) and the messages it
 *       publishes them in ({@link io.vitalwire.testing.GatewayMessages});</li>
 *   <li>a test's own CA and certificates ({@link io.vitalwire.testing.TestPki}) and Mosquitto
 *       ({@link io.vitalwire.testing.MosquittoBroker});</li>
 *   <li>bearer tokens for cloud-ingest's admin API, signed by a key of the test's own that cloud-ingest is told to
 *       trust ({@link io.vitalwire.testing.TestTokens});</li>
 *   <li>a misbehaving FHIR server: a proxy in front of the stack's HAPI answering with faults at random
 *       ({@link io.vitalwire.testing.FhirChaosProxy});</li>
 *   <li>the cloud side of the broker counting what arrived by reading key
 *       ({@link io.vitalwire.testing.ReadingsSubscriber} into an {@link io.vitalwire.testing.ArrivalLedger}).</li>
 * </ul>
 *
 * Helpers that need an application's classes (the gateway's normalizer, cloud-ingest's beans) stay in that
 * application's tests or in device-sims: this module depends only on the contract and Paho.
 */
package io.vitalwire.testing;
