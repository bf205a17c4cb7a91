package io.vitalwire.gateway.normalize;

import java.math.BigDecimal;

/** One value as a device source decoded it, in the UCUM unit the device used (e.g. kPa before conversion). */
public record MeasuredValue(Quantity quantity, BigDecimal value, String unit) {
}
