package io.vitalwire.gateway.ble.bluez;

import io.vitalwire.gateway.status.AdapterStatus;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * The BLE adapter for the heartbeat: {@code disabled} (ble.enabled=false), {@code no-bus} (BlueZ unreachable),
 * {@code absent} (the configured adapter does not exist), {@code off} or {@code powered}.
 */
@Singleton
class BleAdapterStatus implements AdapterStatus {

    private final Optional<BluezIntake> intake;

    BleAdapterStatus(Optional<BluezIntake> intake) {
        this.intake = intake;
    }

    @Override
    public String name() {
        return "ble";
    }

    @Override
    public String state() {
        return intake.map(i -> of(i.state())).orElse("disabled");
    }

    static String of(BleState state) {
        if (!state.busConnected()) {
            return "no-bus";
        }
        if (!state.adapterPresent()) {
            return "absent";
        }
        return state.powered() ? "powered" : "off";
    }
}
