using CheckIn.Contracts;
using CheckIn.Contracts.Abuse;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Tests.Support;

namespace CheckIn.Grains.Tests.Telemetry;

/// <summary>Check-in transitions, the waitlist's line length and blocks by rule, from the silo's meter.</summary>
[Collection(ClusterCollection.Name)]
public sealed class FlowMetricsTests(ClusterFixture fixture)
{
    private static readonly string[] Business = ["1A", "1C", "1D", "1F", "2A", "2C", "2D", "2F", "3A", "3C", "3D", "3F"];

    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task Each_durable_check_in_transition_is_counted_once_with_its_wire_names()
    {
        using var transitions = fixture.Collect<long>("checkin.checkin.transitions");
        var flight = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow() + TimeSpan.FromHours(5));
        var pnr = SampleLayouts.NewPnr();
        (await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new PassengerName("Pat", "Smith")], [flight]))).Ok();
        var passenger = $"{pnr}-1";
        var checkIn = _grains.GetCheckInGrain(flight, passenger);

        (await checkIn.StartAsync(Commands.By(passenger))).Ok();
        (await checkIn.StartAsync(Commands.By(passenger))).Ok();
        (await _grains.HoldAsync(flight, passenger, "17C")).Ok();
        (await checkIn.CompleteAsync(Commands.By(passenger))).Ok();
        (await checkIn.CancelAsync("plans changed", Commands.By(passenger))).Ok();
        (await checkIn.StartAsync(Commands.By(passenger))).Ok();

        Assert.Equal(
            [("NOT_STARTED", "IN_PROGRESS"), ("IN_PROGRESS", "COMPLETED"), ("COMPLETED", "CANCELLED"), ("CANCELLED", "IN_PROGRESS")],
            transitions.For(flight).Select(m => (m.Tag("from"), m.Tag("to"))));
    }

    [Fact]
    public async Task The_line_length_follows_joins_and_leaves_and_goes_with_the_waitlist_activation()
    {
        using var length = fixture.Collect<long>("checkin.waitlist.length");
        var flight = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow() + TimeSpan.FromHours(3));
        await Task.WhenAll(Business.Select(async s =>
        {
            (await _grains.HoldAsync(flight, Owner(s), s)).Ok();
            (await _grains.ConfirmAsync(flight, Owner(s), s)).Ok();
        }));
        var waitlist = _grains.GetWaitlistGrain(flight);
        var first = await BookAsync(flight);
        var second = await BookAsync(flight);

        (await waitlist.JoinAsync(Join(first), Commands.By($"{first}-1"))).Ok();
        (await waitlist.JoinAsync(Join(second), Commands.By($"{second}-1"))).Ok();
        Assert.Equal(2L, Observe(length, flight));

        (await waitlist.LeaveAsync($"{first}-1", Commands.By($"{first}-1"))).Ok();
        Assert.Equal(1L, Observe(length, flight));

        await fixture.DeactivateAsync(waitlist);
        Assert.Null(Observe(length, flight));

        // Reported again by the next activation, from its stored line.
        await waitlist.ListAsync();
        Assert.Equal(1L, Observe(length, flight));
    }

    [Fact]
    public async Task A_block_is_counted_once_by_its_rule_not_per_refused_request()
    {
        using var blocks = fixture.Collect<long>("checkin.abuse.blocks");
        var client = $"ip:203.0.113.7-{Guid.NewGuid():N}";
        var guard = _grains.GetClientGuardGrain(client);
        var limits = new ClientLimits(60, 20, 10);

        GuardAnswer answer;
        var reads = 0;
        do
        {
            answer = await guard.CheckAsync(new GuardReport("silo-a", limits, [], new ClientAttempt(LimitedAction.SeatMapRead, "F1", fixture.Time.GetUtcNow(), false)));
            reads++;
        }
        while (answer.Verdict != GuardVerdict.Blocked && reads < 100);
        Assert.Equal(GuardVerdict.Blocked, answer.Verdict);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(GuardVerdict.Blocked, (await guard.CheckAsync(new GuardReport("silo-a", limits, [], new ClientAttempt(LimitedAction.SeatCommand, null, fixture.Time.GetUtcNow(), false)))).Verdict);
        }

        // Rule-tagged only (no client tag): nothing else in the shared cluster blocks a client while this test runs.
        var block = Assert.Single(blocks.GetMeasurementSnapshot());
        Assert.Equal(("BURST", 1L), (block.Tag("rule"), block.Value));
    }

    private static long? Observe(Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long> length, string flight)
    {
        length.Clear();
        length.RecordObservableInstruments();
        return length.For(flight) is [var only] ? only.Value : null;
    }

    private async Task<string> BookAsync(string flight)
    {
        var pnr = SampleLayouts.NewPnr();
        (await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new PassengerName("Pax", "Waiting", Cabin.Business)], [flight]))).Ok();
        return pnr;
    }

    private static WaitlistJoin Join(string pnr) => new(pnr, [$"{pnr}-1"], Cabin.Business, SeatPreference.Any);

    private static string Owner(string seat) => $"OWN{seat}L-1";
}
