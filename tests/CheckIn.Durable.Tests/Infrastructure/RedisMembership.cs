using System.Text.Json;
using StackExchange.Redis;

namespace CheckIn.Durable.Tests.Infrastructure;

/// <summary>One silo's row of the membership table as Orleans's Redis clustering stores it.</summary>
internal sealed record MemberRow(int SiloPort, string Status, int Suspicions, DateTimeOffset IAmAliveTime);

/// <summary>
/// Reads a test cluster's membership table straight from Redis (hash <c>{serviceId}/members/{clusterId}</c>, one
/// JSON field per silo generation): what every silo, and an operator, sees as the truth about who is alive.
/// </summary>
internal sealed class RedisMembership(string redisConfiguration, string clusterId) : IAsyncDisposable
{
    // Orleans's SiloStatus, by value.
    private static readonly string[] Statuses = ["None", "Created", "Joining", "Active", "ShuttingDown", "Stopping", "Dead"];

    private readonly Lazy<Task<ConnectionMultiplexer>> _redis = new(() => ConnectionMultiplexer.ConnectAsync(redisConfiguration));

    /// <summary>Every row (dead generations included), newest generation last per port.</summary>
    public async Task<IReadOnlyList<MemberRow>> RowsAsync()
    {
        var redis = await _redis.Value;
        var fields = await redis.GetDatabase().HashGetAllAsync($"{clusterId}/members/{clusterId}");
        var rows = new List<(long Generation, MemberRow Row)>();
        foreach (var field in fields)
        {
            var name = field.Name.ToString();
            if (!name.StartsWith('S'))
            {
                continue; // the table version
            }
            using var json = JsonDocument.Parse(field.Value.ToString());
            var root = json.RootElement;
            var parts = name[1..].Split(':');
            var status = root.GetProperty("Status");
            rows.Add((long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture), new MemberRow(
                int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture),
                status.ValueKind == JsonValueKind.Number ? Statuses[status.GetInt32()] : status.GetString()!,
                root.TryGetProperty("SuspectTimes", out var suspects) && suspects.ValueKind == JsonValueKind.Array ? suspects.GetArrayLength() : 0,
                root.GetProperty("IAmAliveTime").GetDateTimeOffset())));
        }
        return [.. rows.OrderBy(r => r.Generation).Select(r => r.Row)];
    }

    /// <summary>
    /// Deletes the whole table (its version row too), as a Redis restarted without persistence would have it, for
    /// this cluster only: other tests share the Redis server.
    /// </summary>
    public async Task ForgetTableAsync()
    {
        var redis = await _redis.Value;
        await redis.GetDatabase().KeyDeleteAsync($"{clusterId}/members/{clusterId}");
    }

    /// <summary>The status of the newest generation on <paramref name="siloPort"/>, or null if it has no row.</summary>
    public async Task<string?> StatusAsync(int siloPort) =>
        (await RowsAsync()).LastOrDefault(r => r.SiloPort == siloPort)?.Status;

    public async Task WaitForActiveAsync(IEnumerable<HostProcess> hosts, TimeSpan deadline)
    {
        var ports = hosts.Select(h => h.Settings.SiloPort).ToList();
        await Eventually.UntilAsync(
            RowsAsync,
            rows => ports.All(p => rows.LastOrDefault(r => r.SiloPort == p)?.Status == "Active"),
            deadline,
            $"silos on ports {string.Join(", ", ports)} to be Active in the membership table");
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis.IsValueCreated)
        {
            (await _redis.Value).Dispose();
        }
    }
}
