//! Argument helpers shared by the subcommands: counts that accept a leading minus (so that
//! `--nodes -3` gets a range message rather than clap's "use `-- -3`" tip), flag spellings
//! for library parameter names, and "did you mean" for near-miss names.

use crate::error::{CliError, input};

/// clap value parser of a whole number of type `T`.
///
/// Registered with `allow_negative_numbers = true`, so `-3` reaches this parser and is
/// refused with the type's range instead of being taken for a flag.
pub(crate) fn count<T>(s: &str) -> Result<T, String>
where
    T: TryFrom<i128> + num_bounds::Bounds,
{
    let range = || format!("{}..={}", T::MIN_I128, T::MAX_I128);
    let v: i128 = s
        .trim()
        .parse()
        .map_err(|_| format!("expected a whole number in {}, got `{s}`", range()))?;
    T::try_from(v).map_err(|_| format!("must be in {}, got {v}", range()))
}

/// The bounds of the integer types [`count`] parses.
pub(crate) mod num_bounds {
    /// An integer type's range as `i128`.
    pub(crate) trait Bounds {
        /// Least value.
        const MIN_I128: i128;
        /// Greatest value.
        const MAX_I128: i128;
    }
    macro_rules! bounds {
        ($($t:ty),*) => {$(
            impl Bounds for $t {
                const MIN_I128: i128 = <$t>::MIN as i128;
                const MAX_I128: i128 = <$t>::MAX as i128;
            }
        )*};
    }
    bounds!(u8, u16, u32, u64, usize);
}

/// The command-line spelling of a library parameter name: `read_quorum` → `--read-quorum`.
/// Names that are not a flag (`protocol`, a fault key) are returned as they are.
pub(crate) fn flag(name: &str, flags: &[&str]) -> String {
    let kebab = name.replace('_', "-");
    if flags.contains(&kebab.as_str()) {
        format!("--{kebab}")
    } else {
        name.to_string()
    }
}

/// The candidate closest to `given` (case-insensitive Jaro–Winkler similarity of at least
/// 0.8, as clap's own suggestions), for a "did you mean" hint.
pub(crate) fn suggest<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let given = given.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&given, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// ` (did you mean `x`?)` or nothing.
pub(crate) fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> String {
    suggest(given, candidates).map_or_else(String::new, |c| format!(" (did you mean `{c}`?)"))
}

/// The long flags of a subcommand's arguments (`read-quorum`, …).
pub(crate) fn long_flags<A: clap::Args>() -> Vec<String> {
    A::augment_args(clap::Command::new("cclab"))
        .get_arguments()
        .filter_map(|a| a.get_long().map(str::to_string))
        .collect()
}

/// A cc-sim error as the user should read it: a parameter under its flag's spelling, and a
/// "did you mean" for a near-miss protocol name (`sweepable` narrows the names to those
/// that have a sweep).
pub(crate) fn sim_error<A: clap::Args>(e: cc_sim::SimError, sweepable: bool) -> CliError {
    use cc_sim::SimError;
    match e {
        SimError::InvalidParameter { name, message } => {
            let flags = long_flags::<A>();
            let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            let mut msg = format!("invalid parameter `{}`: {message}", flag(&name, &flags));
            if let (true, Some(given)) =
                (name == "protocol" && sweepable, message.split('`').nth(1))
            {
                let names = cc_sim::sweep::sweepable();
                msg.push_str(&did_you_mean(given, names.iter().map(|(p, _)| p.name())));
            }
            CliError::input(msg)
        }
        SimError::UnknownProtocol { given, valid } => CliError::input(format!(
            "unknown protocol `{given}`{}; valid protocols: {valid}",
            did_you_mean(&given, cc_sim::names())
        )),
        other => input(other),
    }
}

/// `--nodes` as typed: a negative count is refused with the protocol's own range
/// (`raft supports 3..=64 servers, got -3`), like an out-of-range positive one.
pub(crate) fn nodes(
    given: Option<i64>,
    protocol: &dyn cc_sim::registry::SimProtocol,
    range: cc_sim::registry::NodeRange,
) -> Result<Option<usize>, CliError> {
    match given {
        None => Ok(None),
        Some(n) => usize::try_from(n).map(Some).map_err(|_| {
            CliError::input(format!(
                "invalid parameter `--nodes`: {} supports {}..={} {}, got {n}",
                protocol.name(),
                range.min,
                range.max,
                range.what
            ))
        }),
    }
}

/// A cc-theory error with a "did you mean" for a near-miss function or measure name.
pub(crate) fn theory_error(e: cc_theory::TheoryError) -> CliError {
    use cc_theory::TheoryError;
    match e {
        TheoryError::UnknownFunction { name, valid } => CliError::input(format!(
            "unknown function `{name}`{}; valid names: {valid}",
            did_you_mean(&name, valid.split(", "))
        )),
        TheoryError::UnknownMeasure { name, valid } => CliError::input(format!(
            "unknown measure `{name}`{}; valid measures: {valid}",
            did_you_mean(&name, valid.split(", "))
        )),
        other => input(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_refuse_negatives_with_the_range() {
        assert_eq!(count::<u32>("7"), Ok(7));
        assert_eq!(
            count::<u32>("-3"),
            Err("must be in 0..=4294967295, got -3".to_string())
        );
        assert!(count::<usize>("x").unwrap_err().contains("whole number"));
    }

    #[test]
    fn near_misses_are_suggested_and_far_ones_are_not() {
        let names = ["raft", "paxos", "multi-paxos", "2pc", "3pc"];
        assert_eq!(suggest("raf", names), Some("raft"));
        assert_eq!(suggest("RAFFT", names), Some("raft"));
        assert_eq!(suggest("paxso", names), Some("paxos"));
        assert_eq!(suggest("gossip-storm", names), None);
    }

    #[test]
    fn library_names_become_flags() {
        assert_eq!(flag("read_quorum", &["read-quorum"]), "--read-quorum");
        assert_eq!(flag("protocol", &["read-quorum"]), "protocol");
    }
}
