using System.Net;
using System.Text.Json;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>Two host processes on one Redis and one PostgreSQL database: one cluster, one truth per seat.</summary>
[Collection(HostProcessCollection.Name)]
public sealed class HostClusterTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task Two_hosts_form_one_cluster_that_serves_a_seat_the_same_through_either_of_them()
    {
        var (a, b) = await StartTwoHostClusterAsync();

        var booking = await a.Api.CreateBookingAsync();
        (await a.Api.SeatCommandAsync("hold", booking, "4D", booking.FirstPassenger)).Expect(HttpStatusCode.OK);

        await Eventually.UntilAsync(
            () => b.Api.SeatAsync(booking.FlightId, "4D"),
            seat => seat.Status == "HELD",
            TimeSpan.FromSeconds(5),
            "host B's seat map to show 4D HELD");
        var taken = await b.Api.SeatCommandAsync("hold", booking, "4D", booking.SecondPassenger);
        Assert.True(taken.Status == HttpStatusCode.Conflict && taken.Code == "SEAT_UNAVAILABLE", $"expected 409 SEAT_UNAVAILABLE from {taken}");

        // The token came from host A; host B accepts it because every host shares the signing key.
        var confirmed = (await b.Api.SeatCommandAsync("confirm", booking, "4D", booking.FirstPassenger)).Expect(HttpStatusCode.OK).Read<SeatResult>();
        Assert.Equal(("CONFIRMED", booking.FirstPassenger), (confirmed.Status, confirmed.PassengerId));
        Assert.Equal("CONFIRMED", (await a.Api.SeatAsync(booking.FlightId, "4D")).Status);
    }

    [Fact]
    public async Task A_hold_through_one_host_is_in_yourSeats_through_the_other_at_once()
    {
        var (a, b) = await StartTwoHostClusterAsync();
        var booking = await a.Api.CreateBookingAsync();
        var seatMap = $"/api/flights/{booking.FlightId}/seatmap";

        // Anonymous readers keep host B's own copy of the map fresh (it refetches a copy older than 100 ms), so a
        // copy fetched before the hold below is often still being served right after it.
        using var stop = new CancellationTokenSource();
        var readers = Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await b.Api.GetAsync(seatMap).ReadAsync();
            }
        })));

        foreach (var seat in new[] { "1A", "2B", "3C", "4D", "5E", "1F", "2A", "3B", "4C", "5D" })
        {
            (await a.Api.SeatCommandAsync("hold", booking, seat, booking.FirstPassenger)).Expect(HttpStatusCode.OK);

            var after = await b.Api.PassengerAsync(HttpMethod.Get, seatMap, booking);

            after.Expect(HttpStatusCode.OK);
            using var json = JsonDocument.Parse(after.Body);
            var mine = Assert.Single(json.RootElement.GetProperty("yourSeats").EnumerateArray());
            Assert.Equal((seat, "HELD", booking.FirstPassenger),
                (mine.GetProperty("seatNumber").GetString(), mine.GetProperty("status").GetString(), mine.GetProperty("passengerId").GetString()));
            var shown = json.RootElement.GetProperty("seats").EnumerateArray().Single(s => s.GetProperty("seatNumber").GetString() == seat);
            Assert.Equal("HELD", shown.GetProperty("status").GetString());
        }
        await stop.CancelAsync();
        await readers;
    }

    [Fact]
    public async Task Two_hosts_starting_together_on_an_empty_database_apply_each_schema_file_once()
    {
        var db = await services.CreateDatabaseAsync();
        var settingsA = HostSettings.For(db, services.RedisConfiguration);
        var a = _hosts.Start("host A", settingsA);
        var b = _hosts.Start("host B", settingsA.Sibling());

        await Task.WhenAll(a.WaitUntilReadyAsync(), b.WaitUntilReadyAsync());

        var shipped = Directory.GetFiles(services.SqlDirectory, "*.sql").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(shipped);
        Assert.Equal(shipped, await Db.StringsAsync(db, "SELECT version FROM schema_migrations ORDER BY version"));
        // Both hosts serve from the schema they migrated together.
        var booking = await a.Api.CreateBookingAsync();
        (await b.Api.SeatCommandAsync("hold", booking, "1A", booking.FirstPassenger)).Expect(HttpStatusCode.OK);
        Assert.Equal(1, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM seat_events WHERE seat_number = '1A'"));
    }

    public void Dispose() => _hosts.Dispose();

    /// <summary>Two hosts on a fresh database, each ready and each seeing both silos active.</summary>
    private async Task<(HostProcess A, HostProcess B)> StartTwoHostClusterAsync()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        var settingsA = HostSettings.For(db, services.RedisConfiguration);
        var a = _hosts.Start("host A", settingsA);
        var b = _hosts.Start("host B", settingsA.Sibling());
        await Task.WhenAll(a.WaitUntilReadyAsync(), b.WaitUntilReadyAsync());
        await Task.WhenAll(WaitForActiveSilosAsync(a, 2), WaitForActiveSilosAsync(b, 2));
        return (a, b);
    }

    /// <summary>Asks the Orleans dashboard of <paramref name="host"/> until its cluster lists that many active silos.</summary>
    private static Task WaitForActiveSilosAsync(HostProcess host, int count) => Eventually.UntilAsync(
        async () =>
        {
            var counters = await host.Api.DashboardGetAsync("/dashboard/DashboardCounters");
            if (counters.Status != HttpStatusCode.OK)
            {
                return -1;
            }
            using var json = JsonDocument.Parse(counters.Body);
            return json.RootElement.GetProperty("hosts").EnumerateArray().Count(h => h.GetProperty("status").GetString() == "Active");
        },
        active => active == count,
        TimeSpan.FromSeconds(20),
        $"{host.Name}'s dashboard to list {count} active silos");
}
