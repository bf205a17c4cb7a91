package io.vitalwire.ingest.tasks;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * US states and the territories with their own licensing boards, by USPS code. Reads a state as records write it:
 * the code ({@code MA}), the name ({@code Massachusetts}), or — for a licensing board in
 * {@code qualification.issuer.display} — a name followed by more ({@code Massachusetts Board of Registration in
 * Nursing}; the longest name wins, so {@code West Virginia …} is WV, not VA).
 */
final class UsStates {

    private static final Map<String, String> NAMES = new TreeMap<>(Map.ofEntries(
            Map.entry("AL", "Alabama"), Map.entry("AK", "Alaska"), Map.entry("AZ", "Arizona"),
            Map.entry("AR", "Arkansas"), Map.entry("CA", "California"), Map.entry("CO", "Colorado"),
            Map.entry("CT", "Connecticut"), Map.entry("DE", "Delaware"), Map.entry("DC", "District of Columbia"),
            Map.entry("FL", "Florida"), Map.entry("GA", "Georgia"), Map.entry("HI", "Hawaii"),
            Map.entry("ID", "Idaho"), Map.entry("IL", "Illinois"), Map.entry("IN", "Indiana"),
            Map.entry("IA", "Iowa"), Map.entry("KS", "Kansas"), Map.entry("KY", "Kentucky"),
            Map.entry("LA", "Louisiana"), Map.entry("ME", "Maine"), Map.entry("MD", "Maryland"),
            Map.entry("MA", "Massachusetts"), Map.entry("MI", "Michigan"), Map.entry("MN", "Minnesota"),
            Map.entry("MS", "Mississippi"), Map.entry("MO", "Missouri"), Map.entry("MT", "Montana"),
            Map.entry("NE", "Nebraska"), Map.entry("NV", "Nevada"), Map.entry("NH", "New Hampshire"),
            Map.entry("NJ", "New Jersey"), Map.entry("NM", "New Mexico"), Map.entry("NY", "New York"),
            Map.entry("NC", "North Carolina"), Map.entry("ND", "North Dakota"), Map.entry("OH", "Ohio"),
            Map.entry("OK", "Oklahoma"), Map.entry("OR", "Oregon"), Map.entry("PA", "Pennsylvania"),
            Map.entry("RI", "Rhode Island"), Map.entry("SC", "South Carolina"), Map.entry("SD", "South Dakota"),
            Map.entry("TN", "Tennessee"), Map.entry("TX", "Texas"), Map.entry("UT", "Utah"),
            Map.entry("VT", "Vermont"), Map.entry("VA", "Virginia"), Map.entry("WA", "Washington"),
            Map.entry("WV", "West Virginia"), Map.entry("WI", "Wisconsin"), Map.entry("WY", "Wyoming"),
            Map.entry("AS", "American Samoa"), Map.entry("GU", "Guam"),
            Map.entry("MP", "Northern Mariana Islands"), Map.entry("PR", "Puerto Rico"),
            Map.entry("VI", "U.S. Virgin Islands")));

    /** Names, longest first, so that a prefix match takes the most specific one. */
    private static final List<Map.Entry<String, String>> BY_NAME_LENGTH = NAMES.entrySet().stream()
            .sorted(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getValue().length()).reversed())
            .toList();

    private UsStates() {
    }

    /** The USPS code of a state written as its code or its name; empty for anything else. */
    static Optional<String> of(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String t = text.strip();
        String upper = t.toUpperCase(Locale.ROOT);
        if (NAMES.containsKey(upper)) {
            return Optional.of(upper);
        }
        return BY_NAME_LENGTH.stream().filter(e -> e.getValue().equalsIgnoreCase(t)).map(Map.Entry::getKey)
                .findFirst();
    }

    /** The state a licensing board's name starts with ({@code Texas Board of Nursing} → TX), or its code or name. */
    static Optional<String> ofIssuer(String display) {
        Optional<String> exact = of(display);
        if (exact.isPresent() || display == null) {
            return exact;
        }
        String lower = display.strip().toLowerCase(Locale.ROOT);
        return BY_NAME_LENGTH.stream()
                .filter(e -> lower.startsWith(e.getValue().toLowerCase(Locale.ROOT) + " "))
                .map(Map.Entry::getKey)
                .findFirst();
    }
}
