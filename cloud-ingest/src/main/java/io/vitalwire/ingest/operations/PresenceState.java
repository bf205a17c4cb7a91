package io.vitalwire.ingest.operations;

/**
 * Whether a gateway is connected to the broker, as its messages say (stored as {@code name()} in
 * {@code gateway_presence.state}). Whether it is <em>heard from</em> is another question, answered by
 * {@code last_heard_at}: the offline alert is about silence, whatever the state says, since a last will can arrive
 * out of order with the birth message of the next connection, and a gateway may die without its will (a broker
 * restarted without its state).
 */
enum PresenceState {
    /** Its birth message after connecting, or a heartbeat sent after the offline message it follows. */
    ONLINE,
    /** Its last will, published by the broker when the connection was lost, or its own on a clean shutdown. */
    OFFLINE
}
