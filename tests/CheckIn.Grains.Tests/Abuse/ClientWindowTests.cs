using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Abuse;

namespace CheckIn.Grains.Tests.Abuse;

/// <summary>The window rules with explicit timestamps: the edges the issue names, permits, and memory bounds.</summary>
public sealed class ClientWindowTests
{
    private static readonly WindowSettings Defaults = WindowSettings.From(new RateLimitOptions());
    private static readonly ClientLimits DefaultLimits = new RateLimitOptions().DefaultLimits;
    private static readonly ClientLimits HighLimits = new(100_000, 100_000, 100_000);
    // A whole second, so that bucket edges fall where the test says.
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Thirty_reads_within_five_seconds_are_let_through_and_the_thirty_first_blocks_for_burst()
    {
        var window = new ClientWindow(Defaults);
        for (var i = 0; i < 30; i++)
        {
            var at = T0 + TimeSpan.FromMilliseconds(i * 150);
            Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("a", "F1", at), at).Verdict);
        }

        var last = T0 + TimeSpan.FromMilliseconds(30 * 150);
        var decision = window.Decide(Read("a", "F1", last), last);

        Assert.Equal(GuardVerdict.Blocked, decision.Verdict);
        Assert.Equal(AbuseRule.Burst, decision.Rule);
        Assert.Equal(31, decision.ObservedCount);
        Assert.Equal(TimeSpan.FromSeconds(5), decision.Window);
        Assert.Equal(0, decision.Permits.SeatMapReads);
    }

    [Fact]
    public void A_read_exactly_five_seconds_old_has_left_the_burst_window()
    {
        var window = new ClientWindow(Defaults);
        Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("a", "F1", T0), T0).Verdict);
        var later = T0 + TimeSpan.FromSeconds(5);
        for (var i = 0; i < 29; i++)
        {
            window.Decide(Read("a", "F1", later), later);
        }

        // 31 reads within [T0, T0 + 5 s], but the first is not within the 5 s before the last.
        var decision = window.Decide(Read("a", "F1", later), later);

        Assert.Equal(GuardVerdict.Allowed, decision.Verdict);
        Assert.Equal(30, window.ReadsInBurst(later));
    }

    [Fact]
    public void Refused_reads_count_towards_the_burst()
    {
        var window = new ClientWindow(Defaults);
        var limits = new ClientLimits(5, 20, 10);
        var verdicts = Enumerable.Range(0, 31).Select(_ => window.Decide(Read("a", "F1", T0, limits), T0).Verdict).ToList();

        Assert.Equal(5, verdicts.Count(v => v == GuardVerdict.Allowed));
        Assert.Equal(25, verdicts.Count(v => v == GuardVerdict.RateLimited));
        Assert.Equal(GuardVerdict.Blocked, verdicts[^1]);
    }

    [Fact]
    public void Forty_nine_distinct_flights_within_two_seconds_are_let_through_and_the_fiftieth_blocks_for_scraping()
    {
        var window = new ClientWindow(Defaults with { BurstReads = 1000 });
        for (var i = 0; i < 49; i++)
        {
            var at = T0 + TimeSpan.FromMilliseconds(i * 40);
            Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("a", $"F{i}", at, HighLimits), at).Verdict);
        }

        var last = T0 + TimeSpan.FromMilliseconds(49 * 40);
        var decision = window.Decide(Read("a", "F49", last, HighLimits), last);

        Assert.Equal(GuardVerdict.Blocked, decision.Verdict);
        Assert.Equal(AbuseRule.Scrape, decision.Rule);
        Assert.Equal(50, decision.ObservedCount);
        Assert.Equal(TimeSpan.FromSeconds(2), decision.Window);
    }

    [Fact]
    public void Fifty_distinct_flights_spread_over_more_than_two_seconds_are_not_scraping()
    {
        var window = new ClientWindow(Defaults with { BurstReads = 1000 });
        Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("a", "F0", T0, HighLimits), T0).Verdict);
        var later = T0 + TimeSpan.FromSeconds(2);
        for (var i = 1; i < 50; i++)
        {
            Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("a", $"F{i}", later, HighLimits), later).Verdict);
        }
        Assert.Equal(49, window.FlightsInScrape(later));
    }

    [Fact]
    public void Sixty_reads_in_a_minute_are_let_through_and_the_sixty_first_waits_until_the_first_leaves_the_window()
    {
        var window = new ClientWindow(Defaults);
        for (var i = 0; i < 60; i++)
        {
            var at = T0 + TimeSpan.FromSeconds(i);
            Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("a", "F1", at), at).Verdict);
        }

        var refusedAt = T0 + TimeSpan.FromSeconds(59);
        var refused = window.Decide(Read("a", "F1", refusedAt), refusedAt);
        Assert.Equal(GuardVerdict.RateLimited, refused.Verdict);
        Assert.Equal(AbuseRule.SeatMapRate, refused.Rule);
        Assert.Equal(T0 + TimeSpan.FromSeconds(60), refused.RetryAt);
        Assert.Equal(0, refused.Permits.SeatMapReads);

        var retry = T0 + TimeSpan.FromSeconds(60);
        Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("a", "F1", retry), retry).Verdict);
        Assert.Equal(GuardVerdict.RateLimited, window.Decide(Read("a", "F1", retry), retry).Verdict);
    }

    [Fact]
    public void A_refusal_is_retried_at_least_a_second_later()
    {
        var window = new ClientWindow(Defaults);
        var limits = new ClientLimits(60, 1, 10);
        var at = T0 + TimeSpan.FromSeconds(59.9);
        window.Decide(Command("a", T0, limits), T0);

        var refused = window.Decide(Command("a", at, limits), at);

        Assert.Equal(GuardVerdict.RateLimited, refused.Verdict);
        Assert.Equal(AbuseRule.SeatCommandRate, refused.Rule);
        Assert.Equal(at + TimeSpan.FromSeconds(1), refused.RetryAt);
    }

    [Fact]
    public void Each_action_has_its_own_limit_from_the_report()
    {
        var window = new ClientWindow(Defaults);
        var limits = new ClientLimits(60, 2, 1);
        Assert.Equal(GuardVerdict.Allowed, window.Decide(Command("a", T0, limits), T0).Verdict);
        Assert.Equal(GuardVerdict.Allowed, window.Decide(Command("a", T0, limits), T0).Verdict);
        Assert.Equal(GuardVerdict.RateLimited, window.Decide(Command("a", T0, limits), T0).Verdict);

        Assert.Equal(GuardVerdict.Allowed, window.Decide(Session("a", T0, limits), T0).Verdict);
        var session = window.Decide(Session("a", T0, limits), T0);
        Assert.Equal(GuardVerdict.RateLimited, session.Verdict);
        Assert.Equal(AbuseRule.SessionRate, session.Rule);

        Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("a", "F1", T0, limits), T0).Verdict);
    }

    [Fact]
    public void Attempts_another_silo_admitted_on_permits_count_against_the_limit()
    {
        var window = new ClientWindow(Defaults);
        var limits = new ClientLimits(60, 5, 10);
        var spent = Enumerable.Range(0, 5).Select(_ => new ClientAttempt(LimitedAction.SeatCommand, null, T0, Admitted: true)).ToList();

        window.Decide(new GuardReport("b", limits, spent, null), T0);
        var decision = window.Decide(Command("a", T0, limits), T0);

        Assert.Equal(GuardVerdict.RateLimited, decision.Verdict);
        Assert.Equal(5, window.AdmittedInMinute(LimitedAction.SeatCommand, T0));
    }

    [Fact]
    public void A_lone_silo_gets_the_headroom_and_a_second_silo_shares_what_is_left()
    {
        var window = new ClientWindow(Defaults);

        var first = window.Decide(Read("a", "F1", T0), T0).Permits;
        // Half of the headroom (the other half stays with the grain for a silo that comes next). Reads: the lower of
        // the minute (60 - 1) and the burst (30 - 1); new flights: 50 - 1 - 1.
        Assert.Equal(14, first.SeatMapReads);
        Assert.Equal(10, first.SeatCommands);
        Assert.Equal(5, first.Sessions);
        Assert.Equal(24, first.NewFlights);
        Assert.Equal(T0 + TimeSpan.FromSeconds(1), first.ValidUntil);

        // A second silo is not refused while the first holds its lease, and shares what is left three ways.
        var answer = window.Decide(Command("b", T0, DefaultLimits), T0);
        Assert.Equal(GuardVerdict.Allowed, answer.Verdict);
        Assert.Equal((30 - 1 - 14) / 3, answer.Permits.SeatMapReads);
        Assert.Equal((20 - 1 - 10) / 3, answer.Permits.SeatCommands);
        Assert.Equal((10 - 5) / 3, answer.Permits.Sessions);
        Assert.Equal((50 - 1 - 1 - 24) / 3, answer.Permits.NewFlights);
    }

    [Fact]
    public void A_silo_that_stops_reporting_frees_its_reservation_after_its_lease_and_the_grace()
    {
        var window = new ClientWindow(Defaults);
        var limits = new ClientLimits(3, 20, 10);
        Assert.Equal(1, window.Decide(Read("a", "F1", T0, limits), T0).Permits.SeatMapReads);
        Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("b", "F1", T0, limits), T0).Verdict);

        // Silo a's lease ended at T0 + 1 s, but what it spent may still be on its way: its permit counts until T0 + 3 s.
        var duringGrace = T0 + TimeSpan.FromSeconds(2.5);
        Assert.Equal(GuardVerdict.RateLimited, window.Decide(Read("b", "F1", duringGrace, limits), duringGrace).Verdict);

        var afterGrace = T0 + TimeSpan.FromSeconds(3);
        Assert.Equal(GuardVerdict.Allowed, window.Decide(Read("b", "F1", afterGrace, limits), afterGrace).Verdict);
    }

    [Fact]
    public void Memory_stays_bounded_however_many_reads_and_flights_a_client_sends()
    {
        var small = new ClientWindow(Defaults);
        for (var i = 0; i < 20_000; i++)
        {
            var at = T0 + TimeSpan.FromMilliseconds(i * 7);
            small.Decide(new GuardReport("a", HighLimits, [new ClientAttempt(LimitedAction.SeatMapRead, $"F{i}", at, true)], null), at);
        }
        Assert.True(small.TrackedReads <= Defaults.BurstReads + 1, $"{small.TrackedReads} read times kept");
        Assert.True(small.TrackedFlights <= Defaults.ScrapeDistinctFlights, $"{small.TrackedFlights} flights kept");
    }

    [Fact]
    public void Attempts_reported_with_times_outside_the_windows_are_clamped_to_now_or_the_longest_window()
    {
        var window = new ClientWindow(Defaults);
        var future = T0 + TimeSpan.FromHours(1);
        var ancient = T0 - TimeSpan.FromHours(1);
        var attempts = new[]
        {
            new ClientAttempt(LimitedAction.SeatCommand, null, future, true),
            new ClientAttempt(LimitedAction.SeatCommand, null, ancient, true),
        };

        window.Decide(new GuardReport("a", DefaultLimits, attempts, null), T0);

        // The future one counts now; the ancient one at the window's edge, where it has already left.
        Assert.Equal(1, window.AdmittedInMinute(LimitedAction.SeatCommand, T0));
        Assert.Equal(0, window.AdmittedInMinute(LimitedAction.SeatCommand, T0 + TimeSpan.FromSeconds(60)));
    }

    internal static GuardReport Read(string silo, string flight, DateTimeOffset at, ClientLimits? limits = null) =>
        new(silo, limits ?? DefaultLimits, [], new ClientAttempt(LimitedAction.SeatMapRead, flight, at, false));

    private static GuardReport Command(string silo, DateTimeOffset at, ClientLimits limits) =>
        new(silo, limits, [], new ClientAttempt(LimitedAction.SeatCommand, null, at, false));

    private static GuardReport Session(string silo, DateTimeOffset at, ClientLimits limits) =>
        new(silo, limits, [], new ClientAttempt(LimitedAction.Session, null, at, false));
}
