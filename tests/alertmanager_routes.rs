//! The simulated Alertmanager's routing against `amtool config routes test`: each
//! row of `../shared/conformance/alertmanager/routes_index.tsv` (a configuration, a
//! label set, the receivers amtool prints) through the library and the
//! `promplay route-test` command; the routing tree printed byte for byte as amtool
//! 0.25 prints it (`tests/alertmanager/*.txt`, recorded); and the checks
//! Alertmanager makes when it loads a configuration.

mod common;

use std::process::Command;

use promplay::alertmanager::{parse, receivers_for};

fn labels(text: &str) -> Vec<(String, String)> {
    text.split_whitespace()
        .map(|pair| {
            let (n, v) = pair.split_once('=').expect("name=value");
            (n.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn routes_resolve_as_amtool_resolves_them() {
    let Some(index) = common::conformance_path("alertmanager/routes_index.tsv") else {
        return;
    };
    let dir = index.parent().unwrap().to_path_buf();
    let text = std::fs::read_to_string(&index).unwrap();
    let mut checked = 0;
    for row in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = row.split('\t').collect();
        let (file, label_text, expected) = (cols[0], cols[1], cols[2]);
        let config = parse(&std::fs::read_to_string(dir.join(file)).unwrap())
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let got = receivers_for(&config, &labels(label_text)).join(",");
        assert_eq!(got, expected, "{file} {label_text}");
        // The command prints the same, and --verify-receivers agrees.
        let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
            .args(["route-test", "--config"])
            .arg(dir.join(file))
            .args(["--verify-receivers", expected])
            .args(label_text.split_whitespace())
            .output()
            .unwrap();
        assert!(out.status.success(), "{file} {label_text}: {out:?}");
        assert_eq!(String::from_utf8(out.stdout).unwrap().trim_end(), expected);
        checked += 1;
    }
    println!("alertmanager routes: {checked} label sets routed as amtool routes them");
    assert!(checked >= 6);
    // A different expectation is a failure, with amtool's warning.
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(["route-test", "--config"])
        .arg(dir.join("simple.yml"))
        .args(["--verify-receivers", "nobody", "service=database"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("WARNING: Expected receivers did not match")
    );
}

#[test]
fn configurations_are_checked_as_alertmanager_loads_them() {
    let err = |text: &str| parse(text).unwrap_err();
    assert_eq!(err("receivers: []\n"), "no routes provided");
    assert_eq!(
        err("route: {}\nreceivers: [{name: a}]\n"),
        "root route must specify a default receiver"
    );
    assert_eq!(
        err("route: {receiver: a, matchers: ['x=\"1\"']}\nreceivers: [{name: a}]\n"),
        "root route must not have any matchers"
    );
    assert_eq!(
        err("route: {receiver: a, routes: [{receiver: b}]}\nreceivers: [{name: a}]\n"),
        "undefined receiver \"b\" used in route"
    );
    assert_eq!(
        err("route: {receiver: a}\nreceivers: [{name: a}, {name: a}]\n"),
        "notification config name \"a\" is not unique"
    );
    let bad_yaml = err("route:\n  receiver: [\n");
    assert!(bad_yaml.contains("line"), "{bad_yaml}");
    // Children inherit the receiver; a regex is anchored.
    let config = parse(
        "route:\n  receiver: a\n  routes:\n    - match_re: {x: 'b|c'}\n      routes: [{matchers: ['y=\"1\"'], receiver: d}]\nreceivers: [{name: a}, {name: d}]\n",
    )
    .unwrap();
    assert_eq!(receivers_for(&config, &labels("x=b")), ["a"]);
    assert_eq!(receivers_for(&config, &labels("x=b y=1")), ["d"]);
    assert_eq!(receivers_for(&config, &labels("x=bc y=1")), ["a"]);
}

fn promplay(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn trees_print_as_amtool_prints_them() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alertmanager");
    let recorded = |name: &str| std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
    let own = |name: &str| format!("{dir}/{name}");
    for config in ["multi", "same_name"] {
        let printed = promplay(&["routes", "--config", &own(&format!("{config}.yml"))]);
        assert_eq!(
            printed,
            recorded(&format!("{config}.routes.txt")),
            "{config}"
        );
    }
    let multi = own("multi.yml");
    let tested = promplay(&[
        "route-test",
        "--config",
        &multi,
        "--tree",
        "z=1",
        "v=a,b",
        "u=x",
    ]);
    assert_eq!(tested, recorded("multi.test-z.txt"));
    let tested = promplay(&["route-test", "--config", &multi, "--tree", "nothing=1"]);
    assert_eq!(tested, recorded("multi.test-nothing.txt"));
    let Some(routing) = common::conformance_path("alertmanager/conf.routing.yml") else {
        return;
    };
    let routing = routing.to_str().unwrap();
    assert_eq!(
        promplay(&["routes", "--config", routing]),
        recorded("conf.routing.routes.txt")
    );
    assert_eq!(
        promplay(&["route-test", "--config", routing, "--tree", "test=2"]),
        recorded("conf.routing.test-2.txt")
    );
}

#[test]
fn configurations_are_reported_as_amtool_check_config_reports_them() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alertmanager");
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .current_dir(dir)
        .args(["check-alertmanager", "templates.yml", "multi.yml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let recorded = std::fs::read_to_string(format!("{dir}/check.good.txt")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), recorded);
    let bad = std::env::temp_dir().join(format!("promplay-am-{}.yml", std::process::id()));
    std::fs::write(
        &bad,
        "route:\n  receiver: a\n  routes: [{receiver: b}]\nreceivers: [{name: a}]\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_promplay"))
        .arg("check-alertmanager")
        .arg(&bad)
        .output()
        .unwrap();
    std::fs::remove_file(&bad).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!(
            "Checking '{}'  FAILED: undefined receiver \"b\" used in route\n\n",
            bad.display()
        )
    );
}

/// The same label sets through amtool itself, where it is installed (CI installs
/// it): every receiver list and matching tree printed alike.
#[test]
fn amtool_agrees_live() {
    if !common::reference_tool("amtool") {
        return;
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/alertmanager");
    let cases: [(&str, &[&str]); 6] = [
        ("multi.yml", &["z=1", "v=a,b", "u=x"]),
        // `\t` in a matcher stays a backslash and a t, as Alertmanager reads it.
        ("escapes.yml", &["x=a\\tb"]),
        ("multi.yml", &["a=1", "b=2", "c=x"]),
        ("multi.yml", &["nothing=1"]),
        ("same_name.yml", &["a=2", "b=1"]),
        ("templates.yml", &["severity=critical"]),
    ];
    for (file, labels) in cases {
        let config = format!("{dir}/{file}");
        let theirs = Command::new("amtool")
            .args(["config", "routes", "test", "--tree"])
            .arg(format!("--config.file={config}"))
            .args(labels)
            .output()
            .unwrap();
        let mut args = vec!["route-test", "--config", &config, "--tree"];
        args.extend_from_slice(labels);
        assert_eq!(
            promplay(&args),
            String::from_utf8(theirs.stdout).unwrap(),
            "{file} {labels:?}"
        );
    }
}
