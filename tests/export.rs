//! `promplay export` (issue 18) checked by the real tools: for every scenario, the
//! folder it writes passes `promtool check config` (which reads the rule file too),
//! `promtool check rules` and `amtool check-config`; its compose file parses, its
//! services are built or pulled, every file it mounts exists, and Prometheus's
//! targets are its services; Grafana's provisioning and dashboard carry the fields
//! Grafana reads, every panel's query parses as PromQL.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const SCENARIOS: [&str; 9] = [
    "api",
    "course_catalog",
    "flask_app",
    "treecounter",
    "random_facts",
    "worker",
    "hello_world",
    "batch",
    "demo",
];

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("promplay-export-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program}: {e}"))
}

fn ok(what: &str, output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{what}: exit {:?}\n{stdout}{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Exports `scenario` into a folder of its own for the test `test` (tests run side by side).
fn export(test: &str, scenario: &str) -> PathBuf {
    let dir = out_dir(&format!("{test}-{scenario}"));
    let args = [
        "export",
        "--scenario",
        scenario,
        "--out",
        dir.to_str().unwrap(),
    ];
    ok(
        &format!("promplay export {scenario}"),
        &run(env!("CARGO_BIN_EXE_promplay"), &args),
    );
    dir
}

fn yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_exported_config_passes_promtool_and_amtool() {
    if !common::reference_tool("promtool") || !common::reference_tool("amtool") {
        return;
    }
    for scenario in SCENARIOS {
        let dir = export("tools", scenario);
        let config = dir.join("prometheus/prometheus.yml");
        let stdout = ok(
            &format!("{scenario}: promtool check config"),
            &run("promtool", &["check", "config", config.to_str().unwrap()]),
        );
        assert!(
            stdout.contains("SUCCESS: 1 rule files found"),
            "{scenario}: {stdout}"
        );
        ok(
            &format!("{scenario}: promtool check rules"),
            &run(
                "promtool",
                &[
                    "check",
                    "rules",
                    dir.join("prometheus/rules.yml").to_str().unwrap(),
                ],
            ),
        );
        let am = dir.join("alertmanager/alertmanager.yml");
        let stdout = ok(
            &format!("{scenario}: amtool check-config"),
            &run("amtool", &["check-config", am.to_str().unwrap()]),
        );
        assert!(stdout.contains("SUCCESS"), "{scenario}: {stdout}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
    println!(
        "export: {} scenarios pass promtool check config/rules and amtool check-config",
        SCENARIOS.len()
    );
}

#[test]
fn every_compose_file_runs_what_it_names_and_mounts_what_it_wrote() {
    for scenario in SCENARIOS {
        let dir = export("compose", scenario);
        let compose = yaml(&dir.join("docker-compose.yml"));
        let services = compose["services"].as_object().expect("services");
        for (name, service) in services {
            match (service.get("image"), service.get("build")) {
                (Some(image), None) => {
                    let image = image.as_str().unwrap();
                    assert!(
                        image.contains(':') && !image.ends_with(":latest"),
                        "{scenario}/{name}: {image} is not pinned"
                    );
                }
                (None, Some(build)) => {
                    let folder = dir.join(build.as_str().unwrap());
                    assert!(
                        folder.join("Dockerfile").is_file(),
                        "{scenario}/{name}: no Dockerfile in {}",
                        folder.display()
                    );
                    let requirements =
                        std::fs::read_to_string(folder.join("requirements.txt")).unwrap();
                    assert!(
                        requirements.lines().all(|l| l.contains("==")),
                        "{scenario}: unpinned {requirements}"
                    );
                }
                _ => panic!("{scenario}/{name}: neither an image nor a build"),
            }
            for volume in service
                .get("volumes")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let source = volume.as_str().unwrap().split(':').next().unwrap();
                assert!(
                    dir.join(source).exists(),
                    "{scenario}/{name}: mounts {source}, which was not written"
                );
            }
            for dep in service
                .get("depends_on")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                assert!(
                    services.contains_key(dep.as_str().unwrap()),
                    "{scenario}/{name}: depends on {dep}"
                );
            }
        }
        let prometheus = yaml(&dir.join("prometheus/prometheus.yml"));
        for job in prometheus["scrape_configs"].as_array().unwrap() {
            for target in job["static_configs"][0]["targets"].as_array().unwrap() {
                let host = target.as_str().unwrap().rsplit_once(':').unwrap().0;
                assert!(
                    services.contains_key(host),
                    "{scenario}: target {target} is no service"
                );
            }
        }
        let alerting =
            &prometheus["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"][0];
        assert!(services.contains_key(alerting.as_str().unwrap().split(':').next().unwrap()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn every_grafana_dashboard_has_the_fields_grafana_reads() {
    const KINDS: [&str; 5] = ["timeseries", "stat", "gauge", "heatmap", "bargauge"];
    let mut panels_checked = 0;
    for scenario in SCENARIOS {
        let dir = export("grafana", scenario);
        let datasource = yaml(&dir.join("grafana/provisioning/datasources/prometheus.yml"));
        let source = &datasource["datasources"][0];
        assert_eq!(source["type"], "prometheus");
        assert_eq!(source["url"], "http://prometheus:9090");
        let uid = source["uid"].as_str().unwrap();
        let provider = yaml(&dir.join("grafana/provisioning/dashboards/promplay.yml"));
        assert_eq!(provider["providers"][0]["type"], "file");
        let text = std::fs::read_to_string(dir.join("grafana/dashboards/promplay.json")).unwrap();
        let dashboard: Value = serde_json::from_str(&text).unwrap();
        assert!(
            dashboard["uid"]
                .as_str()
                .is_some_and(|u| !u.is_empty() && u.len() <= 40)
        );
        assert!(dashboard["title"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(dashboard["schemaVersion"].as_u64().is_some());
        let mut ids = std::collections::HashSet::new();
        for panel in dashboard["panels"].as_array().unwrap() {
            let kind = panel["type"].as_str().unwrap();
            assert!(KINDS.contains(&kind), "{scenario}: panel type {kind}");
            assert!(
                ids.insert(panel["id"].as_u64().unwrap()),
                "{scenario}: duplicate panel id"
            );
            let grid = &panel["gridPos"];
            for key in ["x", "y", "w", "h"] {
                assert!(grid[key].as_u64().is_some(), "{scenario}: gridPos.{key}");
            }
            assert!(grid["x"].as_u64().unwrap() + grid["w"].as_u64().unwrap() <= 24);
            assert_eq!(panel["datasource"]["uid"], uid);
            assert!(panel["fieldConfig"]["defaults"]["unit"].as_str().is_some());
            let target = &panel["targets"][0];
            assert_eq!(target["refId"], "A");
            assert_eq!(target["datasource"]["uid"], uid);
            assert!(target["legendFormat"].as_str().is_some());
            let expr = target["expr"].as_str().unwrap();
            // Grafana fills in its variables before Prometheus sees the query.
            let window = promplay::views::dashboard::interval::window(3_600_000, 3_600_000, 15_000);
            let query = promplay::views::dashboard::interval::substitute(expr, &window);
            promplay::promql::parse(&query).unwrap_or_else(|e| panic!("{scenario}: {expr}: {e:?}"));
            if kind == "heatmap" {
                assert_eq!(target["format"], "heatmap");
                assert_eq!(panel["options"]["calculate"], false);
            }
            panels_checked += 1;
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
    println!("export: {panels_checked} Grafana panels checked");
}

#[test]
fn a_rule_file_promtool_would_refuse_is_not_exported() {
    let dir = out_dir("bad-rules");
    std::fs::create_dir_all(&dir).unwrap();
    let rules = dir.join("rules.yml");
    std::fs::write(
        &rules,
        "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(\n",
    )
    .unwrap();
    let out = dir.join("out");
    let output = run(
        env!("CARGO_BIN_EXE_promplay"),
        &[
            "export",
            "--scenario",
            "api",
            "--rules",
            rules.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.starts_with("export: the rule file:"), "{stderr}");
    assert!(!out.exists(), "nothing is written");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A virtual environment with the export's pinned requirements from the package
/// index, kept under `target/` between runs.
fn venv(requirements: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/export-venv");
    let python = root.join("bin/python");
    let stamp = root.join("requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(requirements) {
        let _ = std::fs::remove_dir_all(&root);
        ok(
            "python3 -m venv",
            &run("python3", &["-m", "venv", root.to_str().unwrap()]),
        );
        let wanted = root.join("wanted.txt");
        std::fs::write(&wanted, requirements).unwrap();
        ok(
            "pip install (the package index)",
            &run(
                python.to_str().unwrap(),
                &[
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "-r",
                    wanted.to_str().unwrap(),
                ],
            ),
        );
        std::fs::write(&stamp, requirements).unwrap();
    }
    python
}

/// `url`'s body, fetched by the venv's Python (the test has no HTTP client), or None
/// while nothing answers.
fn fetch(python: &Path, url: &str) -> Option<String> {
    let script = "import sys, urllib.request\nsys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=2).read().decode())";
    let output = run(python.to_str().unwrap(), &["-c", script, url]);
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).to_string())
}

/// The sum of the program's own counters (`_total` samples but the Python
/// runtime's `python_*` and `process_*`).
fn counted(body: &str) -> f64 {
    body.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("python_") && !l.starts_with("process_"))
        .filter_map(|l| {
            let (series, value) = l.rsplit_once(' ')?;
            let name = series.split('{').next()?;
            name.ends_with("_total")
                .then(|| value.parse::<f64>().ok())
                .flatten()
        })
        .sum()
}

/// `program args` with `body` on its standard input.
fn check_metrics(program: &str, args: &[&str], body: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Kills the program when the test ends, however it ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_exported_program_serves_metrics_promtool_parses() {
    if !common::reference_tool("promtool") {
        return;
    }
    if run("python3", &["-m", "venv", "--help"]).status.code() != Some(0) {
        common::missing_reference(
            "python3 -m venv is not available (apt-get install python3-venv)",
        );
        return;
    }
    // Every requirement any program has: the api scenario's are a superset.
    let all = export("venv", "api");
    let requirements = std::fs::read_to_string(all.join("app/requirements.txt")).unwrap();
    std::fs::remove_dir_all(&all).unwrap();
    let python = venv(&requirements);
    let mut checked = Vec::new();
    let mut findings = 0;
    let mut with_traffic = Vec::new();
    // The batch job pushes to the stack's Pushgateway, which only compose runs.
    for scenario in SCENARIOS.into_iter().filter(|s| *s != "batch") {
        let dir = export("programs", scenario);
        let app = dir.join("app");
        let prometheus = yaml(&dir.join("prometheus/prometheus.yml"));
        let target = prometheus["scrape_configs"][0]["static_configs"][0]["targets"][0]
            .as_str()
            .unwrap()
            .to_string();
        let port = target.rsplit_once(':').unwrap().1;
        let program = std::fs::read_dir(&app)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .find(|f| f.ends_with(".py") && f != "loadgen.py")
            .unwrap();
        let _server = Running(
            Command::new(&python)
                .arg(&program)
                .current_dir(&app)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
        let url = format!("http://127.0.0.1:{port}/metrics");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while fetch(&python, &url).is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "{scenario}: nothing answers at {url}"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
        // The load generator sends the scenario's traffic for a moment (to loopback),
        // and the program counts it.
        if app.join("loadgen.py").exists() {
            let before = counted(&fetch(&python, &url).unwrap());
            let compose = yaml(&dir.join("docker-compose.yml"));
            let base = compose["services"]["loadgen"]["command"][2]
                .as_str()
                .unwrap();
            let port = base.rsplit_once(':').unwrap().1;
            let _load = Running(
                Command::new(&python)
                    .args(["loadgen.py", &format!("http://127.0.0.1:{port}")])
                    .current_dir(&app)
                    .spawn()
                    .unwrap(),
            );
            std::thread::sleep(std::time::Duration::from_secs(2));
            let after = counted(&fetch(&python, &url).unwrap());
            assert!(
                after > before,
                "{scenario}: the load generator's requests were not counted ({before} → {after})"
            );
            with_traffic.push(scenario);
        }
        let body = fetch(&python, &url).unwrap();
        // promtool parses it (exit 0, or 3 for lint findings: the tutorials keep
        // names like `..._counter_total`), and promplay's linter finds the same.
        let promtool = check_metrics("promtool", &["check", "metrics"], &body);
        assert!(
            matches!(promtool.status.code(), Some(0 | 3)),
            "{scenario}: promtool check metrics exit {:?}\n{}{}\n--- the body\n{body}",
            promtool.status.code(),
            String::from_utf8_lossy(&promtool.stdout),
            String::from_utf8_lossy(&promtool.stderr)
        );
        let ours = check_metrics(
            env!("CARGO_BIN_EXE_promplay"),
            &["check-metrics", "--rules", "promtool-2.42"],
            &body,
        );
        assert_eq!(
            (
                ours.status.code(),
                String::from_utf8_lossy(&ours.stdout),
                String::from_utf8_lossy(&ours.stderr)
            ),
            (
                promtool.status.code(),
                String::from_utf8_lossy(&promtool.stdout),
                String::from_utf8_lossy(&promtool.stderr)
            ),
            "{scenario}: promplay check-metrics against promtool check metrics"
        );
        findings += promtool
            .stdout
            .split(|b| *b == b'\n')
            .filter(|l| !l.is_empty())
            .count()
            + promtool
                .stderr
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .count();
        checked.push(scenario);
        drop(_server);
        std::fs::remove_dir_all(&dir).unwrap();
    }
    println!(
        "export: {} programs served /metrics that promtool check metrics parses ({findings} lint findings, promplay's the same): {}; the load generator's traffic counted by {}",
        checked.len(),
        checked.join(", "),
        with_traffic.join(", ")
    );
}
