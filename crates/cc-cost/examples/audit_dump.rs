//! Prints the audit rows and the real-data scenarios (a quick look for reviewers).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for r in cc_cost::audit::source_examples()? {
        println!(
            "[{}] {} | text: {} | recomputed: {} | {:?}",
            r.id, r.claim, r.text_figure, r.recomputed, r.verdict
        );
    }
    println!();
    for s in cc_cost::audit::priced_with_real_data()? {
        let r = &s.report;
        println!(
            "[{}] {} ({}): msgs/tx {} latency {:.1} ms msg ${} lat ${} per day {} per year {}",
            s.id,
            s.title,
            s.regions,
            r.messages_per_tx,
            r.latency_ms,
            r.message_cost_usd_per_tx,
            r.latency_cost_usd_per_tx,
            r.per_day_usd.pretty(),
            r.per_year_usd.pretty()
        );
    }
    Ok(())
}
