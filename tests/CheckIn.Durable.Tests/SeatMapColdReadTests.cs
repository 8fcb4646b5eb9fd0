using System.Diagnostics;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Grains.Audit;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CheckIn.Durable.Tests;

/// <summary>A seat map's first read after a graceful deactivation, on PostgreSQL: its clean snapshot plus the audit log.</summary>
[Collection(DurableCollection.Name)]
public sealed class SeatMapColdReadTests(DurableServicesFixture services, ITestOutputHelper log)
{
    [Fact]
    public async Task A_cold_read_of_a_clean_snapshot_shows_every_acknowledged_change_and_its_cost_is_logged()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var grains = cluster.Client;
        var audit = cluster.Silos[0].ServiceProvider.GetRequiredService<IAuditLog>();
        var flightId = $"MAP{Random.Shared.Next(10_000, 100_000)}";
        var layout = new SeatLayout([new CabinSection(Cabin.Economy, 1, 30, "ABC_DEF")], [], [], [], []);
        var created = await grains.GetFlightGrain(flightId).CreateAsync(new FlightDefinition(flightId, "LHR", "CDG", DateTimeOffset.UtcNow.AddHours(3), layout));
        Assert.True(created.IsSuccess, created.Error?.Detail);

        // A busy flight's history from the day before (outside the catch-up window), then 20 confirmed seats.
        var yesterday = DateTimeOffset.UtcNow.AddDays(-1);
        await audit.AppendAsync([.. Enumerable.Range(0, 3000).Select(i => new SeatAuditEvent(
            Guid.NewGuid(), flightId, $"{i % 30 + 1}{"ABCDEF"[i % 6]}", SeatStatus.Available, SeatStatus.Held, "P", "test", "history",
            yesterday.AddSeconds(i), "c", 0))]);
        var seats = Enumerable.Range(1, 20).Select(row => $"{row}A").ToList();
        foreach (var seat in seats)
        {
            var context = new CommandContext("passenger:P", "test", $"corr-{seat}");
            Assert.True((await grains.GetSeatGrain(flightId, seat).HoldAsync($"P-{seat}", context)).IsSuccess);
            Assert.True((await grains.GetSeatGrain(flightId, seat).ConfirmAsync($"P-{seat}", context)).IsSuccess);
        }
        var map = grains.GetSeatMapGrain(flightId);
        await Eventually.UntilAsync(map.GetAsync, m => m!.Seats.Count(s => s.Status == SeatStatus.Confirmed) == 20, TimeSpan.FromSeconds(10), "the map to show the confirmations");

        var timings = new List<double>();
        for (var i = 0; i < 15; i++)
        {
            await cluster.DeactivateAsync(map.GetGrainId());
            var watch = Stopwatch.StartNew();
            var view = await map.GetAsync();
            watch.Stop();
            timings.Add(watch.Elapsed.TotalMilliseconds);
            Assert.Equal(20, view!.Seats.Count(s => s.Status == SeatStatus.Confirmed));
        }

        timings.Sort();
        log.WriteLine($"Cold seat-map read (180 seats, 3040 audit rows): median {timings[timings.Count / 2]:F1} ms, min {timings[0]:F1} ms, max {timings[^1]:F1} ms");
    }
}
