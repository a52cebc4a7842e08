//! Any text as a rule file, a rule unit-test file, an `alertmanager.yml`, a
//! matcher list and an alert template: reading must return (errors are fine, at a
//! line inside the input), never panic; what reads runs a few evaluations, and
//! alerts go through Alertmanager.
#![no_main]

use libfuzzer_sys::fuzz_target;
use promplay::alertmanager::{self, Alert, Alertmanager};
use promplay::rules::{RuleManager, parse_rule_file, template, unittest};
use promplay::tsdb::{Head, Labels};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // YAML breaks lines at `\r\n`, `\r` and `\n`.
    let lines = text.replace("\r\n", "\n").split(['\n', '\r']).count() as u32;
    for strict in [false, true] {
        match parse_rule_file(text, !strict) {
            Err(errors) => {
                assert!(!errors.is_empty());
                for e in errors {
                    assert!(e.line.is_none_or(|l| l <= lines + 1), "{e} outside {lines} lines");
                }
            }
            Ok(file) => {
                let mut head = Head::default();
                let up = Labels::new(&[("__name__", "up"), ("job", "a")]);
                let mut manager = RuleManager::new(&file, 15_000).expect("checked rules load");
                for step in 0..4 {
                    let _ = head.add(&up, step * 15_000, (step % 2) as f64);
                    manager.eval_due(&mut head, step * 15_000);
                }
            }
        }
    }
    let _ = unittest::run_text(text, std::path::Path::new("/nonexistent"), &Default::default());
    let _ = alertmanager::parse_matchers(text);
    let _ = template::check_alert_text("Fuzz", text);
    let labels = vec![("instance".to_string(), "a:9100".to_string())];
    let _ = template::expand_alert_text("Fuzz", text, &labels, &[], "http://x", 0.25, 60_000, None);
    if let Ok(config) = alertmanager::parse(text) {
        let mut am = Alertmanager::new(config);
        let alert = Alert::new(&[("alertname", "X"), ("severity", "page")], 0);
        let _ = am.post_alerts(0, vec![alert.clone()]);
        am.advance_to(10 * 60_000);
        let _ = am.post_alerts(11 * 60_000, vec![alert.ending_at(11 * 60_000)]);
        am.advance_to(30 * 60_000);
        let _ = am.notifications();
    }
});
