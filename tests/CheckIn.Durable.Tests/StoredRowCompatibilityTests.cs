using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Durable.Tests.TestGrains;

namespace CheckIn.Durable.Tests;

/// <summary>
/// Rows written by the hand-written System.Text.Json serializer this project used before Orleans's own
/// (<c>CheckIn.Grains.Storage.JsonGrainStorageSerializer</c>, removed) still read, and new rows are written in the
/// same form, so hosts of either version can share a database during a rolling deployment.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class StoredRowCompatibilityTests(DurableServicesFixture services)
{
    /// <summary>A LoyaltyState row exactly as the old serializer wrote it (web defaults, enums by name, no type names).</summary>
    private const string OldRow =
        """{"tier":"Gold","flights":["CI100","CI205"],"milesByFlight":{"CI100":1200,"CI205":800},"lastEarnedAt":"2030-01-02T03:04:05+00:00"}""";

    [Fact]
    public async Task A_row_written_by_the_old_serializer_reads_and_new_writes_keep_its_form()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        var serviceId = $"svc-{Guid.NewGuid():N}";
        await using (var first = await TestClusters.StartAsync(db, serviceId))
        {
            await first.Client.GetGrain<ILoyaltyGrain>("passenger-9").Earn("XX000", 1, LoyaltyTier.Blue);
            await first.StopAllSilosAsync();
        }
        // The row as an older host left it.
        Assert.Equal(1, await Db.ScalarAsync<int>(db, $"WITH u AS (UPDATE orleans_grain_state SET payload = convert_to('{OldRow}', 'UTF8') RETURNING 1) SELECT count(*) FROM u"));

        await using var second = await TestClusters.StartAsync(db, serviceId);
        var grain = second.Client.GetGrain<ILoyaltyGrain>("passenger-9");
        var read = await grain.Describe();
        await grain.Earn("CI300", 500, LoyaltyTier.Silver);

        Assert.Equal("Gold;2000;CI100,CI205;CI100=1200,CI205=800", read);
        Assert.Equal(
            """{"tier":"Silver","flights":["CI100","CI205","CI300"],"milesByFlight":{"CI100":1200,"CI205":800,"CI300":500},"lastEarnedAt":"2030-01-02T03:04:05+00:00"}""",
            await Db.ScalarAsync<string>(db, "SELECT convert_from(payload, 'UTF8') FROM orleans_grain_state"));
    }
}
