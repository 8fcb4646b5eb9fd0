using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;
using StackExchange.Redis;

namespace CheckIn.Host.Hosting;

/// <summary>Ready only when this silo is an active cluster member.</summary>
internal sealed class SiloActiveCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is {status}"));
    }
}

/// <summary>Ready only when PostgreSQL answers a query.</summary>
internal sealed class PostgresCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL does not answer", ex);
        }
    }
}

/// <summary>Ready only when Redis (cluster membership) answers a ping.</summary>
internal sealed class RedisCheck(RunMode mode) : IHealthCheck, IDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection = new(() => ConnectionMultiplexer.ConnectAsync(mode.RedisConnectionString!));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await _connection.Value;
            var latency = await connection.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"Redis answers in {latency.TotalMilliseconds:F1} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer", ex);
        }
    }

    public void Dispose()
    {
        if (_connection.IsValueCreated && _connection.Value.IsCompletedSuccessfully)
        {
            _connection.Value.Result.Dispose();
        }
    }
}

internal static class ReadinessSetup
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddCheckInHealthChecks(this IServiceCollection services, RunMode mode)
    {
        var checks = services.AddHealthChecks()
            .AddCheck<SiloActiveCheck>("silo", tags: [ReadyTag]);
        if (mode.IsDurable)
        {
            checks.AddCheck<PostgresCheck>("postgres", tags: [ReadyTag]);
        }
        if (mode.UsesRedisClustering)
        {
            services.AddSingleton<RedisCheck>();
            checks.AddCheck<RedisCheck>("redis", tags: [ReadyTag]);
        }
        return services;
    }
}
