//! Alert templates (`promplay::rules::template`), one test binary: Prometheus
//! 2.42's `template/template_test.go` cases with their exact outputs and errors
//! (`template_test`), the alert prefix and `check_alert_text` (`alert_test`), Go's
//! own text/template exec and parse cases (`exec_test`), semantics and HTML mode
//! (`semantics_test`), and no panic or hang on hostile input (`robustness_test`).

#[path = "templates/alert_test.rs"]
mod alert_test;
#[path = "templates/exec_test.rs"]
mod exec_test;
#[path = "templates/robustness_test.rs"]
mod robustness_test;
#[path = "templates/semantics_test.rs"]
mod semantics_test;
#[path = "templates/template_test.rs"]
mod template_test;
