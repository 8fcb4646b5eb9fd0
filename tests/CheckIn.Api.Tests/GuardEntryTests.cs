using CheckIn.Contracts.Abuse;
using CheckIn.Host.Abuse;

namespace CheckIn.Api.Tests;

/// <summary>
/// The per-silo front's memory of one client, with explicit timestamps: what it decides without its guard grain
/// (permits, refusals, blocks) and what it hands the grain.
/// </summary>
public sealed class GuardEntryTests
{
    private static readonly DateTimeOffset T0 = new(2030, 6, 1, 9, 30, 0, TimeSpan.Zero);
    private static readonly TimeSpan Scrape = TimeSpan.FromSeconds(2);
    private static readonly ClientLimits Limits = new(60, 20, 10);

    [Fact]
    public void Permits_are_spent_without_the_grain_until_they_run_out()
    {
        var entry = WithPermits(reads: 3, newFlights: 1);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        }
        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatCommand, null, T0, Scrape));
        Assert.All(entry.Drain(), a => Assert.True(a.Admitted));
    }

    [Fact]
    public void A_flight_not_seen_within_the_scrape_window_needs_a_new_flight_permit()
    {
        var entry = WithPermits(reads: 10, newFlights: 1);

        Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH102", T0, Scrape));
        Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0.AddMilliseconds(500), Scrape));
    }

    [Fact]
    public void Permits_end_with_their_lease()
    {
        var entry = WithPermits(reads: 10, newFlights: 10);

        Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0.AddMilliseconds(999), Scrape));
        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0.AddSeconds(1), Scrape));
    }

    [Fact]
    public void No_permit_is_spent_while_a_report_is_in_flight_and_the_answer_s_permits_apply_after_it()
    {
        var entry = WithPermits(reads: 5, newFlights: 1);
        Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));

        var reported = entry.Drain();
        entry.InFlight = new TaskCompletionSource();
        // The grain is replacing the old reservation: spending it now would be counted nowhere, so the grain decides.
        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        entry.Apply(Answer(GuardVerdict.Allowed, reads: 2, newFlights: 0, validUntil: T0.AddSeconds(1)), null, T0);
        entry.InFlight = null;

        Assert.Single(reported);
        Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        Assert.Equal(2, entry.Drain().Count);
    }

    [Fact]
    public void A_refusal_is_repeated_locally_until_its_retry_time_and_the_refused_attempts_are_reported()
    {
        var entry = new GuardEntry(Limits);
        entry.Apply(Answer(GuardVerdict.RateLimited, reads: 0, newFlights: 0, validUntil: T0.AddSeconds(1), retryAt: T0.AddSeconds(30), rule: AbuseRule.SeatMapRate), LimitedAction.SeatMapRead, T0);

        var refused = entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0.AddSeconds(29), Scrape);

        Assert.Equal(new GuardDecision(GuardVerdict.RateLimited, T0.AddSeconds(30), AbuseRule.SeatMapRate), refused);
        Assert.True(entry.HasRefusedUnreported);
        Assert.False(Assert.Single(entry.Drain()).Admitted);
        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0.AddSeconds(30), Scrape));
        // Other actions are not refused.
        Assert.NotEqual(GuardVerdict.RateLimited, entry.TryDecideLocally(LimitedAction.Session, null, T0.AddSeconds(29), Scrape)?.Verdict);
    }

    [Fact]
    public void A_block_refuses_everything_until_it_expires_or_is_cleared()
    {
        var entry = new GuardEntry(Limits);
        entry.Apply(Answer(GuardVerdict.Blocked, reads: 0, newFlights: 0, validUntil: T0.AddSeconds(1), retryAt: T0.AddMinutes(15), rule: AbuseRule.Burst), LimitedAction.SeatMapRead, T0);

        Assert.Equal(new GuardDecision(GuardVerdict.Blocked, T0.AddMinutes(15), AbuseRule.Burst), entry.TryDecideLocally(LimitedAction.Session, null, T0.AddMinutes(14).AddSeconds(59), Scrape));
        Assert.Null(entry.TryDecideLocally(LimitedAction.Session, null, T0.AddMinutes(15).AddSeconds(1), Scrape));

        entry.Apply(Answer(GuardVerdict.Blocked, reads: 0, newFlights: 0, validUntil: T0.AddSeconds(1), retryAt: T0.AddMinutes(15), rule: AbuseRule.Burst), LimitedAction.SeatMapRead, T0);
        entry.ClearBlock();
        Assert.Null(entry.TryDecideLocally(LimitedAction.Session, null, T0, Scrape));
    }

    [Fact]
    public void Unreported_attempts_are_bounded_and_a_full_entry_asks_the_grain()
    {
        var entry = WithPermits(reads: 1000, newFlights: 1);
        for (var i = 0; i < GuardEntry.MaxUnreported; i++)
        {
            Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        }

        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatMapRead, "SH101", T0, Scrape));
        Assert.Equal(GuardEntry.MaxUnreported, entry.UnreportedCount);
    }

    [Fact]
    public void A_failed_grain_call_keeps_its_attempts_for_the_next_report_and_fails_open_for_a_while()
    {
        var entry = new GuardEntry(Limits);
        var drained = entry.Drain();
        drained.Add(new ClientAttempt(LimitedAction.SeatMapRead, "SH101", T0, false));

        entry.Restore(drained, failOpenUntil: T0.AddSeconds(1));

        Assert.True(entry.HasRefusedUnreported);
        Assert.Equal(GuardDecision.Allowed, entry.TryDecideLocally(LimitedAction.SeatCommand, null, T0.AddMilliseconds(500), Scrape));
        Assert.Null(entry.TryDecideLocally(LimitedAction.SeatCommand, null, T0.AddSeconds(1), Scrape));
        Assert.Equal(2, entry.Drain().Count);
    }

    private static GuardEntry WithPermits(int reads, int newFlights)
    {
        var entry = new GuardEntry(Limits);
        entry.Apply(Answer(GuardVerdict.Allowed, reads, newFlights, T0.AddSeconds(1)), null, T0);
        return entry;
    }

    private static GuardAnswer Answer(GuardVerdict verdict, int reads, int newFlights, DateTimeOffset validUntil, DateTimeOffset? retryAt = null, AbuseRule? rule = null) =>
        new(verdict, retryAt, rule, new Permits(reads, 0, 0, newFlights, validUntil));
}
