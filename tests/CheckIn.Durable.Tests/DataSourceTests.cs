using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Host.Persistence;
using Npgsql;

namespace CheckIn.Durable.Tests;

[Collection(DurableCollection.Name)]
public sealed class DataSourceTests(DurableServicesFixture services)
{
    [Fact]
    public async Task A_statement_used_twice_is_prepared_on_the_server()
    {
        await using var dataSource = PostgresSiloExtensions.CreateDataSource(services.ServerConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        for (var i = 0; i < 3; i++)
        {
            await using var command = new NpgsqlCommand("SELECT @x::int + 1", connection);
            command.Parameters.AddWithValue("x", i);
            Assert.Equal(i + 1, (int)(await command.ExecuteScalarAsync())!);
        }

        await using var prepared = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%$1::int + 1%'", connection);
        Assert.Equal(1L, (long)(await prepared.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Settings_in_the_connection_string_win_over_the_defaults()
    {
        await using var tuned = PostgresSiloExtensions.CreateDataSource("Host=127.0.0.1;Username=u");
        var defaults = new NpgsqlConnectionStringBuilder(tuned.ConnectionString);
        Assert.Equal(64, defaults.MaxAutoPrepare);
        Assert.Equal(2, defaults.AutoPrepareMinUsages);
        Assert.True(defaults.NoResetOnClose);

        await using var given = PostgresSiloExtensions.CreateDataSource("Host=127.0.0.1;Username=u;Max Auto Prepare=7;Auto Prepare Min Usages=3");
        var chosen = new NpgsqlConnectionStringBuilder(given.ConnectionString);
        Assert.Equal(7, chosen.MaxAutoPrepare);
        Assert.Equal(3, chosen.AutoPrepareMinUsages);
    }

    [Fact]
    public async Task The_pool_is_capped_per_host_unless_the_connection_string_sets_the_cap()
    {
        await using var stock = PostgresSiloExtensions.CreateDataSource("Host=127.0.0.1;Username=u;Database=checkin");
        Assert.Equal(PostgresSiloExtensions.DefaultMaxPoolSize, new NpgsqlConnectionStringBuilder(stock.ConnectionString).MaxPoolSize);
        Assert.True(4 * PostgresSiloExtensions.DefaultMaxPoolSize <= 100 - 3 - 10, "four hosts must fit a stock server beside admin sessions");

        foreach (var (setting, expected) in new[] { ("Maximum Pool Size=100", 100), ("maximum pool size=7", 7), ("MaxPoolSize=9", 9) })
        {
            await using var given = PostgresSiloExtensions.CreateDataSource($"Host=127.0.0.1;Username=u;{setting}");
            Assert.Equal(expected, new NpgsqlConnectionStringBuilder(given.ConnectionString).MaxPoolSize);
        }
    }
}
