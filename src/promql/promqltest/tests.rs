use super::*;

fn parse_err(text: &str) -> TestParseError {
    parse_file(text).unwrap_err()
}

#[test]
fn parses_commands_and_expectations() {
    let text = "# c\nload 5m\n  a{x=\"1\"} 0+1x2\n  {__name__=\"b\"} stale\n\nclear\n\n\
eval instant at 10m a\n  expect ordered\n  expect warn msg: boom\n  a{x=\"1\"} 2\n\n\
eval range from 0 to 10m step 5m a\n  {x=\"1\"} 0 1 _\n\n\
eval_fail instant at 1m foo(\n  expected_fail_regexp parse.*\n\n\
eval instant at 0 1\n  1.5\n\n\
eval instant at 0 \"x\"\n  expect string \"x\"\n";
    let cmds = parse_file(text).unwrap();
    assert_eq!(cmds.len(), 7);
    let Command::Load(l) = &cmds[0] else { panic!() };
    assert_eq!((l.line, l.step_ms, l.series.len()), (2, 300_000, 2));
    assert_eq!(l.series[1].labels, Labels::new(&[("__name__", "b")]));
    assert!(matches!(cmds[1], Command::Clear { line: 6 }));
    let Command::Eval(e) = &cmds[2] else { panic!() };
    assert_eq!(e.kind, EvalKind::Instant { at_ms: 600_000 });
    assert!(e.ordered() && e.expr.is_ok());
    assert_eq!(
        e.expectations[1],
        Expectation::Warn(Some(MessageMatch::Exact("boom".into())))
    );
    let Command::Eval(e) = &cmds[3] else { panic!() };
    assert_eq!(
        e.kind,
        EvalKind::Range {
            start_ms: 0,
            end_ms: 600_000,
            step_ms: 300_000
        }
    );
    assert_eq!(e.series[0].labels, Labels::new(&[("x", "1")]));
    assert_eq!(e.series[0].values, vec![Some(0.0), Some(1.0), None]);
    let Command::Eval(e) = &cmds[4] else { panic!() };
    assert!(e.expr.is_err());
    assert_eq!(
        e.expected_failure(),
        Some(&Some(MessageMatch::Regex("parse.*".into())))
    );
    let Command::Eval(e) = &cmds[5] else { panic!() };
    assert_eq!(e.scalar, Some(1.5));
    let Command::Eval(e) = &cmds[6] else { panic!() };
    assert_eq!(e.expectations, vec![Expectation::String("x".into())]);
}

#[test]
fn errors_name_the_line_and_what_was_expected() {
    let e = parse_err("load 5m\n  a 1\n\nfrobnicate\n");
    assert_eq!(e.line, 4);
    assert!(e.message.contains("expected a command"), "{e}");

    let e = parse_err("\n\nload five\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("step after load"), "{e}");

    let e = parse_err("load 1m\n  a 1\n  b 1+x\n");
    assert_eq!(e.line, 3);
    assert!(e.message.contains("expected a value"), "{e}");

    let e = parse_err("eval sometimes at 5m a\n");
    assert_eq!(e.line, 1);
    assert!(e.message.contains("'instant' or 'range'"), "{e}");

    let e = parse_err("eval instant at 5m a\n  expect maybe\n");
    assert_eq!(e.line, 2);
    assert!(e.message.contains("after expect"), "{e}");

    let e = parse_err("eval range from 0 to 5m a\n");
    assert!(e.message.contains("from <time> to <time> step"), "{e}");

    let e = parse_err("load 1m\n  a{b=\"c\" 1\n");
    assert_eq!(e.line, 2);
    assert_eq!(e.to_string(), format!("line 2: {}", e.message));
}

#[test]
fn native_histograms_are_marked() {
    let cmds = parse_file(
        "load 1m\n  h {{schema:0 sum:1 count:1 buckets:[1]}}x2\n\nload_with_nhcb 1m\n  c_bucket{le=\"1\"} 1\n",
    )
    .unwrap();
    let Command::Load(a) = &cmds[0] else { panic!() };
    let Command::Load(b) = &cmds[1] else { panic!() };
    assert!(a.native_histogram && a.series[0].native_histogram && !a.with_nhcb);
    assert!(b.native_histogram && b.with_nhcb);
}

#[test]
fn load_places_samples_on_the_step_grid() {
    let cmds = parse_file("load 1m\n  a _ 1 stale _x2 4\n").unwrap();
    let Command::Load(l) = &cmds[0] else { panic!() };
    let mut head = Head::default();
    assert_eq!(load_into(l, &mut head).unwrap(), 3);
    let r = head.get(&Labels::new(&[("__name__", "a")])).unwrap();
    let got: Vec<(i64, u64)> = head
        .iter(r, i64::MIN, i64::MAX)
        .map(|(t, v)| (t, v.to_bits()))
        .collect();
    assert_eq!(
        got,
        vec![
            (60_000, 1f64.to_bits()),
            (120_000, crate::tsdb::STALE_NAN),
            (300_000, 4f64.to_bits())
        ]
    );
}
