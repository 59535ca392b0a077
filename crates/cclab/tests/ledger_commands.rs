//! Every command the claims ledger names to reproduce a figure runs (issue 14): a
//! ledger row cannot point at a command that no longer exists.

mod common;

#[test]
fn every_ledger_command_runs() {
    let mut failed = Vec::new();
    for command in cc_report::ledger_commands() {
        let words: Vec<&str> = command.split_whitespace().collect();
        assert_eq!(words.first(), Some(&"cclab"), "{command}");
        let args = &words[1..];
        if args.first() == Some(&"report") {
            // Generating the whole report set is what `cargo xtask reports` and the
            // report tests do; here the flags must exist.
            let out = common::cclab(&["report", "--help"]);
            let help = String::from_utf8_lossy(&out.stdout);
            for flag in args.iter().filter(|a| a.starts_with("--")) {
                assert!(
                    help.contains(flag),
                    "{command}: `cclab report` has no {flag}"
                );
            }
            continue;
        }
        let out = common::cclab(args);
        if !out.status.success() {
            failed.push(format!(
                "{command}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    assert!(failed.is_empty(), "\n{}", failed.join("\n"));
}
