using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Durable.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;

namespace CheckIn.Durable.Tests;

[Collection(DurableCollection.Name)]
public sealed class ReminderTableTests(DurableServicesFixture services)
{
    [Fact]
    public async Task A_reminder_registered_before_a_full_restart_is_still_registered_after_it()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        var serviceId = $"svc-{Guid.NewGuid():N}";

        await using (var first = await TestClusters.StartAsync(db, serviceId))
        {
            await first.Client.GetGrain<IWakeUpGrain>("flight-CI100").Schedule("close-check-in", TimeSpan.FromHours(2), TimeSpan.FromHours(24));
            await first.StopAllSilosAsync();
        }

        await using var second = await TestClusters.StartAsync(db, serviceId);
        var grain = second.Client.GetGrain<IWakeUpGrain>("flight-CI100");
        Assert.True(await grain.HasReminder("close-check-in"));
        Assert.False(await grain.HasReminder("never-registered"));

        var table = second.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        var row = await table.ReadRow(grain.GetGrainId(), "close-check-in");
        Assert.NotNull(row);
        Assert.Equal(TimeSpan.FromHours(24), row.Period);
    }

    [Fact]
    public async Task Rows_round_trip_and_removal_needs_the_current_etag()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var table = cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        var grainId = GrainId.Create("wakeup", "round-trip");
        var startAt = new DateTime(2030, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);

        var firstEtag = await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "a", StartAt = startAt, Period = TimeSpan.FromMinutes(5) });
        var updatedEtag = await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "a", StartAt = startAt.AddDays(1), Period = TimeSpan.FromDays(30) });
        await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "b", StartAt = startAt, Period = TimeSpan.FromMinutes(1) });

        Assert.NotEqual(firstEtag, updatedEtag);
        var row = await table.ReadRow(grainId, "a");
        Assert.NotNull(row);
        Assert.Equal(grainId, row.GrainId);
        Assert.Equal(startAt.AddDays(1), row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromDays(30), row.Period);
        Assert.Equal(updatedEtag, row.ETag);
        Assert.Equal(["a", "b"], (await table.ReadRows(grainId)).Reminders.Select(r => r.ReminderName).Order(StringComparer.Ordinal));

        Assert.False(await table.RemoveRow(grainId, "a", firstEtag!));
        Assert.True(await table.RemoveRow(grainId, "a", updatedEtag!));
        Assert.Null(await table.ReadRow(grainId, "a"));
        Assert.Single((await table.ReadRows(grainId)).Reminders);
    }

    [Fact]
    public async Task Hash_range_reads_match_ring_semantics_including_wrapping_ranges()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var table = cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();

        var grains = Enumerable.Range(0, 40).Select(i => GrainId.Create("wakeup", $"ring-{i}")).ToList();
        foreach (var grainId in grains)
        {
            await table.UpsertRow(new ReminderEntry { GrainId = grainId, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) });
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).ToList();
        var random = new Random(20300506);
        var bounds = new List<uint> { 0, 1, 0x7FFF_FFFF, 0x8000_0000, 0x8000_0001, uint.MaxValue };
        bounds.AddRange(hashes.Take(6));
        bounds.AddRange(Enumerable.Range(0, 6).Select(_ => (uint)random.NextInt64(0, 1L << 32)));

        foreach (var begin in bounds)
        {
            foreach (var end in bounds)
            {
                var expected = grains.Where((_, i) => InRing(hashes[i], begin, end)).Select(g => g.ToString()).Order(StringComparer.Ordinal).ToList();
                var actual = (await table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal).ToList();
                Assert.True(expected.SequenceEqual(actual), $"range ({begin:X8}, {end:X8}]: expected {expected.Count} rows, got {actual.Count}");
            }
        }
    }

    // Orleans's ring range (begin, end]; begin == end covers the whole ring.
    private static bool InRing(uint hash, uint begin, uint end) =>
        begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
}
