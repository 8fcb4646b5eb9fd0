using System.Collections.Concurrent;
using CheckIn.Host.Persistence;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;

namespace CheckIn.Durable.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL and Redis that durable tests run against, named by CHECKIN_TEST_POSTGRES and
/// CHECKIN_TEST_REDIS. Missing or unreachable services fail every test: a durable suite that silently skips
/// proves nothing. Each test asks for its own database, so tests never depend on each other's data or order.
/// </summary>
public sealed class DurableServicesFixture : IAsyncLifetime
{
    public const string PostgresVariable = "CHECKIN_TEST_POSTGRES";
    public const string RedisVariable = "CHECKIN_TEST_REDIS";
    public const string PostgresLogVariable = "CHECKIN_TEST_POSTGRES_LOG";

    private const string HowToStart =
        "Durable tests need real PostgreSQL and Redis: run `bash scripts/services.sh start /tmp/svc && source /tmp/svc/env` first.";

    private readonly ConcurrentBag<string> _databases = [];

    public DurableServicesFixture()
    {
        ServerConnectionString = Require(PostgresVariable);
        RedisConfiguration = Require(RedisVariable);
        PostgresLogPath = Require(PostgresLogVariable);
        SqlDirectory = Path.Combine(AppContext.BaseDirectory, "sql");
        if (!Directory.Exists(SqlDirectory) || Directory.GetFiles(SqlDirectory, "*.sql").Length == 0)
        {
            throw new InvalidOperationException($"No schema files in {SqlDirectory}: the Host's sql/*.sql Content items were not copied.");
        }
    }

    public string ServerConnectionString { get; }

    public string RedisConfiguration { get; }

    /// <summary>The test PostgreSQL's server log (scripts/services.sh: each line carries its SQLSTATE).</summary>
    public string PostgresLogPath { get; }

    /// <summary>The schema files as the Host ships them (copied to the output folder).</summary>
    public string SqlDirectory { get; }

    public async Task InitializeAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(Db.Unpooled(ServerConnectionString));
            await connection.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException($"{PostgresVariable} is set but PostgreSQL does not answer ({ex.Message}). {HowToStart}", ex);
        }

        try
        {
            await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConfiguration);
            await redis.GetDatabase().PingAsync();
        }
        catch (RedisException ex)
        {
            throw new InvalidOperationException($"{RedisVariable} is set but Redis does not answer ({ex.Message}). {HowToStart}", ex);
        }
    }

    /// <summary>Creates an empty database on the test server and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"checkin_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(Db.Unpooled(ServerConnectionString)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Creates a database with the shipped schema applied.</summary>
    public async Task<string> CreateMigratedDatabaseAsync()
    {
        var connectionString = await CreateDatabaseAsync();
        await SchemaMigrator.MigrateAsync(connectionString, SqlDirectory, NullLogger.Instance, CancellationToken.None);
        return connectionString;
    }

    /// <summary>
    /// Drops the databases this run created. Cleanup is not a test: on a loaded 2-core machine a
    /// <c>DROP DATABASE</c> waits for a checkpoint and for killed hosts' backends to exit, so each drop gets a
    /// generous timeout, and a database that still cannot be dropped is reported on stderr and left behind
    /// (the test server is thrown away by scripts/test.sh) rather than failing the suite after every test passed.
    /// </summary>
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        var builder = new NpgsqlConnectionStringBuilder(Db.Unpooled(ServerConnectionString)) { Timeout = 60, CommandTimeout = 300 };
        foreach (var name in _databases)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                await Console.Error.WriteLineAsync($"durable tests: could not drop test database {name}: {ex.Message}");
            }
        }
    }

    private static string Require(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{variable} is not set. {HowToStart}");
}

[CollectionDefinition(Name)]
public sealed class DurableCollection : ICollectionFixture<DurableServicesFixture>
{
    public const string Name = "durable";
}
