//! Wire sizes of coordination messages: the `bytes` metric of every
//! coordination protocol.
//!
//! A message is a fixed **frame header**, a body of fixed-width integer
//! **fields**, and — for messages that carry log entries, commands or
//! records — one **entry** per carried item, each with its metadata and the
//! command's payload:
//!
//! ```text
//! header           16 bytes   kind u8, flags u8, reserved u16, sender u32,
//!                             receiver u32, body length u32
//! field             8 bytes   every integer of the body (term, ballot, index,
//!                             slot, offset, epoch, request id, commit index,
//!                             count, boolean flags) is a u64
//! command       8 + c bytes   command / record id u64 + c payload bytes
//! entry        16 + c bytes   term (or epoch, or ballot) u64 + command
//!
//! message(f)           = 16 + 8·f
//! message(f, e, c)     = 16 + 8·f + e·(16 + c)      (e entries)
//! message_cmds(f, k, c) = 16 + 8·f + k·(8 + c)      (k bare commands)
//! ```
//!
//! `c` is the protocol configuration's `command_bytes`
//! ([`DEFAULT_COMMAND_BYTES`] = 100 bytes, the record size of Kafka's
//! `producer-perf-test` examples), so bytes grow with batch size and with the
//! entries a message carries, while message counts do not. The per-protocol
//! layouts (fields of each message) are listed in each protocol's docs; the
//! fault-free totals are pinned by tests (`raft`, `multipaxos`, `isr`,
//! `quorum`). Sizes are modelling conventions (no real encoding is
//! byte-compatible with them), chosen so that a message's size follows from
//! what it carries.

/// Frame header: kind, flags, sender, receiver, body length.
pub const HEADER: u32 = 16;
/// One integer field of a message body.
pub const FIELD: u32 = 8;
/// Metadata of a bare command (its id).
pub const COMMAND_META: u32 = 8;
/// Metadata of a log entry: term / epoch / ballot plus the command id.
pub const ENTRY_META: u32 = 16;
/// Default payload bytes of one client command or record.
pub const DEFAULT_COMMAND_BYTES: u32 = 100;
/// Largest configurable `command_bytes` (1 MiB).
pub const MAX_COMMAND_BYTES: u32 = 1 << 20;

/// A message with `fields` integer fields and nothing else.
#[inline]
pub const fn message(fields: u32) -> u32 {
    HEADER + FIELD * fields
}

/// A message with `fields` integer fields and `entries` log entries of
/// `command_bytes` payload each (saturating).
#[inline]
pub const fn message_entries(fields: u32, entries: u32, command_bytes: u32) -> u32 {
    message(fields).saturating_add(entries.saturating_mul(ENTRY_META + command_bytes))
}

/// A message with `fields` integer fields and `commands` bare commands of
/// `command_bytes` payload each (saturating).
#[inline]
pub const fn message_commands(fields: u32, commands: u32, command_bytes: u32) -> u32 {
    message(fields).saturating_add(commands.saturating_mul(COMMAND_META + command_bytes))
}

/// Check a configured `command_bytes`.
pub(crate) fn check_command_bytes(c: u32) -> Result<(), crate::SimError> {
    if c > MAX_COMMAND_BYTES {
        return Err(crate::SimError::param(
            "command_bytes",
            format!("must be in 0..={MAX_COMMAND_BYTES}, got {c}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_layout() {
        assert_eq!(message(0), 16);
        assert_eq!(message(5), 56);
        assert_eq!(message_entries(5, 0, 100), 56);
        assert_eq!(message_entries(5, 3, 100), 56 + 3 * 116);
        assert_eq!(message_commands(4, 10, 0), 48 + 80);
        assert_eq!(message_entries(0, u32::MAX, 100), u32::MAX);
        assert!(check_command_bytes(MAX_COMMAND_BYTES).is_ok());
        assert!(
            check_command_bytes(MAX_COMMAND_BYTES + 1)
                .unwrap_err()
                .to_string()
                .contains("command_bytes")
        );
    }
}
