using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Abuse;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Telemetry;
using CheckIn.Grains.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;

namespace CheckIn.Grains.Tests.Telemetry;

/// <summary>
/// The grains' log lines, captured by a fake logger provider in the silo: a state change is logged inside a scope
/// naming flight, seat, passenger (pseudonym), actor (pseudonymised) and reason, and no line says who the passenger is.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class GrainLogTests(ClusterFixture fixture)
{
    private readonly IGrainFactory _grains = fixture.Grains;

    [Fact]
    public async Task A_seat_change_is_logged_in_its_scope_with_the_passengers_pseudonym()
    {
        var flight = await _grains.CreateFlightAsync();
        var pnr = SampleLayouts.NewPnr();
        var passenger = $"{pnr}-1";
        var pseudonym = fixture.SiloServices.GetRequiredService<Pseudonyms>().Passenger(passenger)!;

        (await _grains.HoldAsync(flight, passenger, "12A")).Ok();

        var line = Assert.Single(fixture.GrainLogs.GetSnapshot(), r =>
            r.Category == "CheckIn.Grains.Seats.SeatGrain" && Scope(r).GetValueOrDefault("FlightId") == flight);
        var scope = Scope(line);
        Assert.Equal(flight, scope["FlightId"]);
        Assert.Equal("12A", scope["SeatNumber"]);
        Assert.Equal(pseudonym, scope["Passenger"]);
        Assert.Equal($"passenger:{pseudonym}", scope["Actor"]);
        Assert.Equal("test", scope["Reason"]);
        Assert.StartsWith("psg_", pseudonym, StringComparison.Ordinal);
        Assert.Contains(pseudonym, line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_grain_log_line_or_scope_names_the_passenger_id_or_the_booking_reference()
    {
        var flight = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow() + TimeSpan.FromHours(5));
        var pnr = SampleLayouts.NewPnr();
        var passenger = $"{pnr}-1";
        (await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new PassengerName("Pat", "Smith")], [flight]))).Ok();
        var checkIn = _grains.GetCheckInGrain(flight, passenger);
        var booking = new CommandContext($"booking:{pnr}", $"asked by {passenger}", Guid.NewGuid().ToString("N"));

        (await checkIn.StartAsync(booking)).Ok();
        (await _grains.HoldAsync(flight, passenger, "12B")).Ok();
        (await _grains.HoldAsync(flight, passenger, "12C")).Ok();
        (await checkIn.CompleteAsync(booking)).Ok();
        (await checkIn.CancelAsync("plans changed", booking)).Ok();

        var lines = fixture.GrainLogs.GetSnapshot().Where(r => Scope(r).GetValueOrDefault("FlightId") == flight || r.Message.Contains(flight, StringComparison.Ordinal)).ToList();
        // Seat: two holds, the first seat released, a confirm, the cancellation's release; check-in: start, complete, cancel.
        Assert.True(lines.Count >= 8, $"expected the flow's log lines, got {lines.Count}");
        Assert.Contains(lines, r => r.Category == "CheckIn.Grains.CheckIns.CheckInGrain" && Scope(r).GetValueOrDefault("Actor")?.StartsWith("booking:psg_", StringComparison.Ordinal) == true);
        foreach (var line in lines)
        {
            var text = line.Message + " " + string.Join(" ", Scope(line).Values);
            Assert.DoesNotContain(pnr, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Smith", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Waitlist_joins_and_leaves_are_logged_in_their_scope_with_pseudonyms()
    {
        var flight = await _grains.CreateFlightAsync(fixture.Time.GetUtcNow() + TimeSpan.FromHours(3));
        var pnr = SampleLayouts.NewPnr();
        var passenger = $"{pnr}-1";
        var pseudonym = fixture.SiloServices.GetRequiredService<Pseudonyms>().Passenger(passenger)!;
        (await _grains.GetBookingGrain(pnr).CreateAsync(new BookingDefinition(pnr, [new PassengerName("Pat", "Waiting", Cabin.Business)], [flight]))).Ok();
        // Business is free here, so a window seat would be assigned at once: ask for what nobody can get (the line stays).
        await Task.WhenAll(new[] { "1A", "1F", "2A", "2F", "3A", "3F" }.Select(async s =>
        {
            (await _grains.HoldAsync(flight, $"OWN{s}G-1", s)).Ok();
            (await _grains.ConfirmAsync(flight, $"OWN{s}G-1", s)).Ok();
        }));
        var waitlist = _grains.GetWaitlistGrain(flight);

        (await waitlist.JoinAsync(new WaitlistJoin(pnr, [passenger], Cabin.Business, SeatPreference.Window), Commands.By(passenger))).Ok();
        (await waitlist.LeaveAsync(passenger, Commands.By(passenger))).Ok();

        var lines = fixture.GrainLogs.GetSnapshot()
            .Where(r => r.Category == "CheckIn.Grains.Waitlist.WaitlistGrain" && Scope(r).GetValueOrDefault("FlightId") == flight).ToList();
        Assert.Equal(2, lines.Count);
        Assert.All(lines, line =>
        {
            var scope = Scope(line);
            Assert.Equal((pseudonym, $"passenger:{pseudonym}"), (scope["Passenger"], scope["Actor"]));
            Assert.DoesNotContain(pnr, line.Message + " " + string.Join(" ", scope.Values), StringComparison.Ordinal);
        });
        Assert.Contains("joined", Scope(lines[0])["Reason"], StringComparison.Ordinal);
        Assert.Equal("left at the passenger's request", Scope(lines[1])["Reason"]);
    }

    [Fact]
    public async Task A_block_is_logged_in_its_scope_with_the_rule_and_why()
    {
        var client = $"ip:203.0.113.9-{Guid.NewGuid():N}";
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

        var line = Assert.Single(fixture.GrainLogs.GetSnapshot(), r => Scope(r).GetValueOrDefault("ClientKey") == client);
        var scope = Scope(line);
        Assert.Equal(("BURST", "system"), (scope["Rule"], scope["Actor"]));
        Assert.StartsWith("31 seat-map reads within 5 s", scope["Reason"], StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Scope(FakeLogRecord record)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var scope in record.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>())
        {
            foreach (var (key, value) in scope)
            {
                values[key] = value?.ToString();
            }
        }
        return values;
    }
}
