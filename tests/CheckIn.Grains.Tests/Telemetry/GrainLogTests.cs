using CheckIn.Contracts;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.Common;
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
