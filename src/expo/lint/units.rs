//! The unit vocabulary promlint knows: units and the base unit each should be
//! expressed in, the SI/IEC prefixes it recognises, and the abbreviations it
//! discourages. The tables are client_golang's (`promlint/validations/units.go`),
//! word for word, including its spelling `mibi` for mebi.

/// A known unit and the base unit metric names should use instead.
/// A unit equal to its base is already fine.
pub(crate) const UNITS: &[(&str, &str)] = &[
    // Base units.
    ("amperes", "amperes"),
    ("bytes", "bytes"),
    // Celsius is allowed because it is common in typical Prometheus use.
    ("celsius", "celsius"),
    ("grams", "grams"),
    ("joules", "joules"),
    ("kelvin", "kelvin"),
    // Both American and international spellings are permitted.
    ("meters", "meters"),
    ("metres", "metres"),
    ("seconds", "seconds"),
    ("volts", "volts"),
    // Time.
    ("minutes", "seconds"),
    ("hours", "seconds"),
    ("days", "seconds"),
    ("weeks", "seconds"),
    // Temperature.
    ("kelvins", "kelvin"),
    ("fahrenheit", "celsius"),
    ("rankine", "celsius"),
    // Length.
    ("inches", "meters"),
    ("yards", "meters"),
    ("miles", "meters"),
    // Bytes.
    ("bits", "bytes"),
    // Energy.
    ("calories", "joules"),
    // Mass.
    ("pounds", "grams"),
    ("ounces", "grams"),
];

/// Prefixes that may precede a unit (`milliseconds`, `kibibytes`).
pub(crate) const UNIT_PREFIXES: &[&str] = &[
    "pico", "nano", "micro", "milli", "centi", "deci", "deca", "hecto", "kilo", "kibi", "mega",
    "mibi", "giga", "gibi", "tera", "tebi", "peta", "pebi",
];

/// Abbreviations that should be spelled out (`_ms` → `_seconds`).
pub(crate) const UNIT_ABBREVIATIONS: &[&str] = &[
    "s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d",
];

fn base_of(unit: &str) -> Option<&'static str> {
    UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(_, base)| *base)
}

/// The first `_`-separated word of `name` that is a known unit, bare or with a
/// known prefix, as `(word, base unit)`. Whole words only, so `thermometers`
/// is not `meters` while `kilometers` is. Case-sensitive, as promlint is.
///
/// This is upstream's current algorithm (words in order). promtool 2.42's
/// vintage walked a Go map instead, so for a name with two unit words
/// (`foo_milliseconds_kilobytes`) it reported either one, at random.
pub(crate) fn metric_unit(name: &str) -> Option<(&str, &'static str)> {
    name.split('_').find_map(|word| {
        if let Some(base) = base_of(word) {
            return Some((word, base));
        }
        UNIT_PREFIXES
            .iter()
            .filter_map(|prefix| word.strip_prefix(prefix))
            .find_map(base_of)
            .map(|base| (word, base))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_bare_and_prefixed_units_as_whole_words() {
        assert_eq!(
            metric_unit("foo_seconds_total"),
            Some(("seconds", "seconds"))
        );
        assert_eq!(
            metric_unit("foo_milliseconds"),
            Some(("milliseconds", "seconds"))
        );
        assert_eq!(metric_unit("disk_kibibytes"), Some(("kibibytes", "bytes")));
        assert_eq!(
            metric_unit("road_kilometres"),
            Some(("kilometres", "metres"))
        );
        assert_eq!(
            metric_unit("food_kilocalories"),
            Some(("kilocalories", "joules"))
        );
        assert_eq!(metric_unit("room_thermometers"), None);
        assert_eq!(metric_unit("foo_Milliseconds"), None);
        assert_eq!(metric_unit("foo"), None);
    }

    #[test]
    fn first_unit_word_wins() {
        assert_eq!(
            metric_unit("a_milliseconds_kilobytes"),
            Some(("milliseconds", "seconds"))
        );
    }

    #[test]
    fn every_base_is_itself_a_base_unit() {
        for (_, base) in UNITS {
            assert_eq!(base_of(base), Some(*base), "{base}");
        }
    }
}
