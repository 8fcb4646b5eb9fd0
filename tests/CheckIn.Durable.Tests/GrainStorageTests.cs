using CheckIn.Grains;
using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Durable.Tests.TestGrains;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace CheckIn.Durable.Tests;

[Collection(DurableCollection.Name)]
public sealed class GrainStorageTests(DurableServicesFixture services)
{
    private const string GrainType = "durabletests.ledger";

    [Fact]
    public async Task Grain_state_written_before_a_full_restart_is_read_back_after_it()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        var serviceId = $"svc-{Guid.NewGuid():N}";

        await using (var first = await TestClusters.StartAsync(db, serviceId))
        {
            var grain = first.Client.GetGrain<ILoyaltyGrain>("passenger-7");
            await grain.Earn("CI100", 1200, LoyaltyTier.Silver);
            await grain.Earn("CI205", 800, LoyaltyTier.Gold);
            await first.StopAllSilosAsync();
        }

        await using var second = await TestClusters.StartAsync(db, serviceId);
        var description = await second.Client.GetGrain<ILoyaltyGrain>("passenger-7").Describe();

        Assert.Equal("Gold;2000;CI100,CI205;CI100=1200,CI205=800", description);
    }

    [Fact]
    public async Task Stored_state_is_plain_json_without_clr_type_names()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");

        await cluster.Client.GetGrain<ILoyaltyGrain>("passenger-8").Earn("CI300", 500, LoyaltyTier.Gold);

        var json = await Db.ScalarAsync<string>(db, "SELECT convert_from(payload, 'UTF8') FROM orleans_grain_state");
        Assert.DoesNotContain("$type", json, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(LoyaltyState), json, StringComparison.Ordinal);
        Assert.Contains("\"tier\":\"Gold\"", json, StringComparison.Ordinal);
        Assert.Equal(1, await Db.ScalarAsync<int>(db, "SELECT version FROM orleans_grain_state"));
    }

    [Fact]
    public async Task A_write_with_a_stale_etag_is_rejected_and_changes_nothing()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var storage = StorageOf(cluster.Silos[0]);
        var grainId = GrainId.Create("ledger", "stale-etag");

        var current = new GrainState<LoyaltyState>(new LoyaltyState());
        await storage.WriteStateAsync(GrainType, grainId, current);
        var stale = new GrainState<LoyaltyState>(new LoyaltyState { Tier = LoyaltyTier.Silver }) { ETag = current.ETag, RecordExists = true };
        current.State!.Tier = LoyaltyTier.Gold;
        await storage.WriteStateAsync(GrainType, grainId, current);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(GrainType, grainId, stale));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(GrainType, grainId, stale));

        var read = new GrainState<LoyaltyState>();
        await storage.ReadStateAsync(GrainType, grainId, read);
        Assert.Equal(LoyaltyTier.Gold, read.State!.Tier);
        Assert.Equal(current.ETag, read.ETag);
    }

    [Fact]
    public async Task A_grain_that_never_saw_the_row_cannot_overwrite_it()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var storage = StorageOf(cluster.Silos[0]);
        var grainId = GrainId.Create("ledger", "double-activation");

        await storage.WriteStateAsync(GrainType, grainId, new GrainState<LoyaltyState>(new LoyaltyState { Tier = LoyaltyTier.Gold }));

        // A second activation that read before the first write holds no ETag.
        var unaware = new GrainState<LoyaltyState>(new LoyaltyState { Tier = LoyaltyTier.Blue });
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(GrainType, grainId, unaware));
    }

    [Fact]
    public async Task Cleared_state_reads_as_new_and_a_writer_from_before_the_clear_still_conflicts()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}");
        var storage = StorageOf(cluster.Silos[0]);
        var grainId = GrainId.Create("ledger", "cleared");

        var state = new GrainState<LoyaltyState>(new LoyaltyState { Tier = LoyaltyTier.Gold });
        await storage.WriteStateAsync(GrainType, grainId, state);
        var beforeClear = new GrainState<LoyaltyState>(new LoyaltyState()) { ETag = state.ETag, RecordExists = true };
        await storage.ClearStateAsync(GrainType, grainId, state);

        var read = new GrainState<LoyaltyState>();
        await storage.ReadStateAsync(GrainType, grainId, read);
        Assert.False(read.RecordExists);
        Assert.Equal(LoyaltyTier.Blue, read.State!.Tier);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(GrainType, grainId, beforeClear));

        read.State!.Tier = LoyaltyTier.Silver;
        await storage.WriteStateAsync(GrainType, grainId, read);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task Concurrent_first_writes_from_two_silos_never_both_succeed()
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}", silos: 2);
        var storages = cluster.Silos.Select(StorageOf).ToArray();
        Assert.NotSame(storages[0], storages[1]);
        const int Grains = 25;

        var outcomes = new List<(int Succeeded, int Conflicted)>();
        for (var i = 0; i < Grains; i++)
        {
            var grainId = GrainId.Create("ledger", $"race-{i}");
            using var start = new Barrier(2);
            var attempts = storages.Select((storage, n) => Task.Run(async () =>
            {
                var state = new GrainState<LoyaltyState>(new LoyaltyState { Flights = [$"silo-{n}"] });
                start.SignalAndWait();
                try
                {
                    await storage.WriteStateAsync(GrainType, grainId, state);
                    return true;
                }
                catch (InconsistentStateException)
                {
                    return false;
                }
            })).ToArray();
            var results = await Task.WhenAll(attempts);
            outcomes.Add((results.Count(r => r), results.Count(r => !r)));
        }

        Assert.All(outcomes, o => Assert.Equal((1, 1), o));
        Assert.Equal(Grains, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM orleans_grain_state"));
        Assert.Equal(Grains, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM orleans_grain_state WHERE version = 1"));
    }

    private static IGrainStorage StorageOf(InProcessSiloHandle silo) =>
        silo.ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
}
