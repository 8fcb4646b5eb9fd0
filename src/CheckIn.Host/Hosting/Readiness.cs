using System.Text.Json;
using CheckIn.Host.Integrations;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
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

/// <summary>
/// <c>/health/ready</c>: per check JSON (<see cref="WriteAsync"/>), 200 for Healthy and Degraded, 503 for Unhealthy.
/// The silo, PostgreSQL and Redis decide whether this host takes traffic; the Weight service and the payment
/// provider can only make it Degraded.
/// </summary>
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
        // No resilience handler: a probe answers within its own timeout and never counts against the callers' circuit.
        // Nor request logging: a load balancer probing every few seconds would fill the log with four lines a probe.
        services.AddHttpClient(RemoteServiceCheck.HttpClientName, client => client.Timeout = RemoteServiceCheck.ProbeTimeout + TimeSpan.FromSeconds(1))
            .RemoveAllLoggers();
        checks.AddCheck<WeightServiceCheck>("weight-service", failureStatus: HealthStatus.Degraded, tags: [ReadyTag]);
        checks.AddCheck<PaymentProviderCheck>("payment-provider", failureStatus: HealthStatus.Degraded, tags: [ReadyTag]);
        return services;
    }

    public static HealthCheckOptions ReadyOptions() => new()
    {
        Predicate = c => c.Tags.Contains(ReadyTag),
        ResponseWriter = WriteAsync,
    };

    /// <summary>
    /// <c>{ "status", "totalDurationMs", "checks": { name: { "status", "description", "durationMs" } } }</c>. Exceptions
    /// are not written: their messages may name hosts or settings an anonymous caller need not see.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("totalDurationMs", Milliseconds(report.TotalDuration));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            json.WriteString("description", entry.Description ?? "");
            json.WriteNumber("durationMs", Milliseconds(entry.Duration));
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 1);
}
