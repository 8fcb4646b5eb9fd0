using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Durable.Tests.TestGrains;
using CheckIn.Grains;
using CheckIn.Grains.Storage;
using CheckIn.Host.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Storage;

namespace CheckIn.Durable.Tests;

/// <summary>
/// The Host's grain storage (PostgresGrainStorage, issue 16) reads and writes exactly the rows Microsoft.Orleans.
/// Persistence.AdoNet writes with the queries in OrleansQuery, for every kind of grain key: a database written by hosts
/// of the previous version is read as they left it, and both can run side by side during a rolling upgrade.
/// </summary>
[Collection(DurableCollection.Name)]
public sealed class AdoNetStorageCompatibilityTests(DurableServicesFixture services)
{
    private const string AdoNet = "adonet";

    private static readonly Guid SomeGuid = new("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");

    /// <summary>Every key shape a grain can have; "ABC123" is a string key that Orleans reads as the integer 0xABC123.</summary>
    public static TheoryData<string> Keys => ["ABC123", "passenger-7", "int:42", "int:42+CI100", "guid", "guid+CI100"];

    [Theory]
    [MemberData(nameof(Keys))]
    public async Task A_row_written_by_the_adonet_provider_is_read_and_advanced_and_the_reverse_too(string key)
    {
        var db = await services.CreateMigratedDatabaseAsync();
        await using var cluster = await TestClusters.StartAsync(db, $"svc-{Guid.NewGuid():N}", configure: silo =>
            silo.AddAdoNetGrainStorage(AdoNet, options => options.Configure<NpgsqlDataSource>((o, dataSource) =>
            {
                o.Invariant = PostgresSiloExtensions.NpgsqlInvariant;
                o.DataSource = dataSource;
                o.GrainStorageSerializer = GrainStateJson.CreateSerializer();
            })));
        var ours = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var theirs = cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(AdoNet);
        Assert.NotSame(ours, theirs);
        Assert.DoesNotContain("AdoNet", ours.GetType().Name, StringComparison.Ordinal);

        // Written by the ADO.NET provider, read and written on by ours, read back by it.
        await RoundTripAsync(theirs, ours, "loyalty-a", IdOf(key));
        // Written first by ours (a fresh insert), then the same the other way round.
        await RoundTripAsync(ours, theirs, "loyalty-b", IdOf(key));

        Assert.Equal(2, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM orleans_grain_state"));
        if (key == "ABC123")
        {
            Assert.Equal(2, await Db.ScalarAsync<int>(db, "SELECT count(*) FROM orleans_grain_state WHERE grain_id_n1 = 11256099 AND grain_id_extension = ''"));
        }
    }

    private static async Task RoundTripAsync(IGrainStorage first, IGrainStorage second, string stateName, GrainId id)
    {
        var written = new GrainState<LoyaltyState>(new LoyaltyState { Tier = LoyaltyTier.Gold, Flights = [id.ToString()], MilesByFlight = { ["CI100"] = 700 } });
        await first.WriteStateAsync(stateName, id, written);

        var read = new GrainState<LoyaltyState>();
        await second.ReadStateAsync(stateName, id, read);
        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(LoyaltyTier.Gold, read.State!.Tier);
        Assert.Equal([id.ToString()], read.State.Flights);
        Assert.Equal(700, read.State.MilesByFlight["CI100"]);

        read.State.Tier = LoyaltyTier.Silver;
        await second.WriteStateAsync(stateName, id, read);
        Assert.NotEqual(written.ETag, read.ETag);

        var back = new GrainState<LoyaltyState>();
        await first.ReadStateAsync(stateName, id, back);
        Assert.Equal(LoyaltyTier.Silver, back.State!.Tier);
        Assert.Equal(read.ETag, back.ETag);

        // The first writer's ETag is stale now, whichever provider it writes through.
        await Assert.ThrowsAsync<InconsistentStateException>(() => first.WriteStateAsync(stateName, id, written));
    }

    private static GrainId IdOf(string key)
    {
        var type = GrainType.Create("ledger");
        return key switch
        {
            "int:42" => GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42)),
            "int:42+CI100" => GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42, "CI100")),
            "guid" => GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(SomeGuid)),
            "guid+CI100" => GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(SomeGuid, "CI100")),
            _ => GrainId.Create("ledger", key),
        };
    }
}
