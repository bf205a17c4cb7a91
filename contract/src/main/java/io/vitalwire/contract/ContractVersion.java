package io.vitalwire.contract;

/**
 * The contract's version. The major version is part of every topic ({@code vitalwire/v1/...}) and of every payload
 * ({@code "v": "1.0"}); a receiver rejects a major version it does not know and ignores fields it does not know, so
 * minor versions may add optional fields without breaking older receivers.
 *
 * <p>1.1 added the readings batch's {@code batchId} and the {@code receipts} channel ({@link Receipt}), and the
 * status's {@code awaitingReceipt} and {@code oldestUnreceiptedAgeMillis}.
 *
 * <p>1.2 added the retained {@code config} channel ({@link GatewayConfig}), the status's {@code configVersion} and
 * the {@value GatewayEvent#CONFIG_REFUSED} event.
 */
public final class ContractVersion {

    public static final int MAJOR = 1;
    public static final int MINOR = 2;
    public static final String CURRENT = MAJOR + "." + MINOR;

    private ContractVersion() {
    }

    /** Checks a payload's {@code v} field, e.g. "1.0" or "1.3"; any other major version is refused. */
    static void requireSupported(String version) throws ContractViolation {
        if (version == null) {
            throw new ContractViolation(ContractViolation.Reason.MISSING_FIELD, "missing field 'v' (contract version)");
        }
        int dot = version.indexOf('.');
        String major = dot < 0 ? version : version.substring(0, dot);
        if (!major.equals(Integer.toString(MAJOR))) {
            throw new ContractViolation(ContractViolation.Reason.UNSUPPORTED_VERSION,
                    "unsupported contract version '" + version + "': this receiver speaks " + MAJOR + ".x");
        }
    }
}
