package io.vitalwire.contract;

/** A payload of the contract. Every one carries its contract version and the gateway that sent it. */
public sealed interface ContractMessage permits ReadingBatch, GatewayStatus, GatewayState, GatewayEvent,
        Receipt, GatewayConfig {

    /** Contract version, "major.minor". */
    String v();

    String gatewayId();
}
