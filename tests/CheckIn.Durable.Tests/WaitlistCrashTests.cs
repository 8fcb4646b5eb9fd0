using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// The waitlist across a crash: seats are released while passengers wait and the host is killed with <c>kill -9</c>
/// as the first release answers — so some seats are written OFFERED and not yet assigned, some are assigned, some
/// releases never landed. After the restart every freed seat is assigned exactly once, to the first passengers in
/// line, and nothing a 2xx reported is lost.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class WaitlistCrashTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private const int Rows = 2;
    private const string Columns = "ABC_DEF";
    private const int Waiting = 9;
    private const int Released = 8;
    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task Seats_released_as_the_host_dies_are_assigned_exactly_once_after_the_restart()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration);
        var first = _hosts.Start("host", settings);
        await first.WaitUntilReadyAsync();
        var api = first.Api;
        const string flight = "WL900";
        (await api.AdminPostAsync("/api/admin/flights", new
        {
            flightId = flight,
            origin = "OSL",
            destination = "TRD",
            departure = DateTimeOffset.UtcNow.AddHours(6),
            layout = new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = Rows, columns = Columns } } },
        }).ReadAsync()).Expect(HttpStatusCode.Created);
        var seats = Enumerable.Range(1, Rows).SelectMany(r => Columns.Where(c => c != '_').Select(c => $"{r}{c}")).ToList();
        // One owner per seat (a booking per row: bookings hold at most 9 passengers), and a booking of waiters.
        var owners = new List<(TestBooking Booking, string Passenger)>();
        for (var row = 1; row <= Rows; row++)
        {
            var session = await api.CreateSessionAsync(flight, $"WLOWN{row}", seats.Count / Rows);
            owners.AddRange(session.Passengers.Select(p => (session.Booking, p)));
        }
        var ownerIds = owners.Select(o => o.Passenger).ToList();
        var waiters = await api.CreateSessionAsync(flight, "WLWAIT", Waiting);
        for (var i = 0; i < seats.Count; i++)
        {
            (await api.SeatCommandAsync("hold", owners[i].Booking, seats[i], owners[i].Passenger)).Expect(HttpStatusCode.OK);
            (await api.SeatCommandAsync("confirm", owners[i].Booking, seats[i], owners[i].Passenger)).Expect(HttpStatusCode.OK);
        }
        foreach (var w in waiters.Passengers)
        {
            (await api.PassengerAsync(HttpMethod.Post, $"/api/flights/{flight}/waitlist", waiters.Booking, new { passengerId = w, position = "ANY" })).Expect(HttpStatusCode.Created);
        }

        // Release several seats at once and kill the host the moment the first release answers.
        var releases = Enumerable.Range(0, Released).Select(async i => (Seat: seats[i], Response: await TryAsync(() => api.SeatCommandAsync("release", owners[i].Booking, seats[i], owners[i].Passenger)))).ToList();
        await Task.WhenAny(releases);
        first.KillHard();
        var outcomes = await Task.WhenAll(releases);
        var acknowledged = outcomes.Where(o => o.Response?.Status == HttpStatusCode.OK).Select(o => o.Seat).ToList();
        log.WriteLine($"releases acknowledged before the kill: {string.Join(", ", acknowledged)}");
        Assert.NotEmpty(acknowledged);

        var restarted = _hosts.Start("host (restarted)", settings);
        await restarted.WaitUntilReadyAsync();
        log.WriteLine($"after the restart, before any waitlist call: {await StateAsync(restarted.Api, flight, seats, waiters, readEntries: false)}");

        // Offers the dead host never answered come back through the seats' reminders (every minute) and the
        // waitlist's sweep; wait until no seat is OFFERED and the line agrees with the seats.
        var final = await Eventually.UntilAsync(
            () => StateAsync(restarted.Api, flight, seats, waiters),
            s => s.Seats.All(x => x.Status != "OFFERED") && s.Assigned.Count == s.Seats.Count(x => x.Owner is { } o && waiters.Passengers.Contains(o)),
            TimeSpan.FromSeconds(150),
            "every offered seat to be answered");

        var freed = final.Seats.Where(s => s.Owner is not { } o || !ownerIds.Contains(o)).ToList();
        // Nothing a 2xx reported is lost: an acknowledged release freed its seat.
        Assert.All(acknowledged, seat => Assert.Contains(freed, f => f.Seat == seat));
        // Every freed seat went to a waiting passenger (all of them accept ANY seat), each to a different one.
        Assert.All(freed, f => Assert.True(f.Status == "CONFIRMED" && waiters.Passengers.Contains(f.Owner!), $"{f.Seat} is {f.Status} for {f.Owner}"));
        Assert.Equal(freed.Count, freed.Select(f => f.Owner).Distinct().Count());
        // First come, first served: the first passengers in line got them.
        Assert.Equal(waiters.Passengers.Take(freed.Count).Order(), final.Assigned.Keys.Order());
        Assert.All(final.Assigned, a => Assert.Equal(a.Value, freed.Single(f => f.Owner == a.Key).Seat));
        // Exactly once in every audit trail.
        Assert.Equal(freed.Count, await Db.ScalarAsync<long>(db, $"SELECT count(*) FROM waitlist_events WHERE flight_id = '{flight}' AND action = 'ASSIGNED'"));
        Assert.Equal(freed.Count, await Db.ScalarAsync<long>(db, $"SELECT count(*) FROM seat_events WHERE flight_id = '{flight}' AND from_status = 'OFFERED' AND to_status = 'CONFIRMED'"));
        log.WriteLine($"freed {freed.Count} seats; assigned {string.Join(", ", final.Assigned.Select(a => $"{a.Key}:{a.Value}"))}");
    }

    private static async Task<ApiResponse?> TryAsync(Func<Task<ApiResponse>> call)
    {
        try
        {
            return await call();
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static async Task<FlightState> StateAsync(CheckInApi api, string flight, List<string> seats, TestSession waiters, bool readEntries = true)
    {
        var seatStates = new List<SeatOwner>();
        foreach (var seat in seats)
        {
            var last = (await api.SeatEventsAsync(flight, seat))[^1];
            seatStates.Add(new SeatOwner(seat, last.To, last.To is "HELD" or "CONFIRMED" ? last.PassengerId : null));
        }
        var assigned = new Dictionary<string, string>();
        foreach (var w in readEntries ? waiters.Passengers : [])
        {
            var entry = (await api.PassengerAsync(HttpMethod.Get, $"/api/flights/{flight}/waitlist/{w}", waiters.Booking)).Expect(HttpStatusCode.OK).Read<JsonElement>();
            if (entry.GetProperty("status").GetString() == "ASSIGNED")
            {
                assigned[w] = entry.GetProperty("assignedSeats")[0].GetString()!;
            }
        }
        return new FlightState(seatStates, assigned);
    }

    private sealed record SeatOwner(string Seat, string Status, string? Owner);

    private sealed record FlightState(List<SeatOwner> Seats, Dictionary<string, string> Assigned)
    {
        public override string ToString() =>
            $"seats [{string.Join(", ", Seats.Select(s => $"{s.Seat}:{s.Status}:{s.Owner}"))}] assigned [{string.Join(", ", Assigned.Select(a => $"{a.Key}:{a.Value}"))}]";
    }

    public void Dispose() => _hosts.Dispose();
}
