using System.Globalization;

namespace CheckIn.TestSupport.Hosts;

/// <summary>
/// The environment of one CheckIn.Host process. Every host of a test shares its database, Redis, cluster and keys;
/// each gets its own free HTTP, silo and gateway ports unless a test reuses them (a restart on the same machine).
/// </summary>
public sealed record HostSettings
{
    public const string TestAdminKey = "host-tests-admin-key";
    public const string SigningKey = "host-tests-token-signing-key-0123456789abcdef";
    public const string WebhookSecret = "host-tests-payment-webhook-secret-0123456789abcdef";

    public required string Postgres { get; init; }

    public required string Redis { get; init; }

    /// <summary>Random per test: the shared Redis then never mixes one test's silos with another's.</summary>
    public required string ClusterId { get; init; }

    public string? AdminKey { get; init; } = TestAdminKey;

    public int HttpPort { get; init; } = FreePorts.Next();

    public int SiloPort { get; init; } = FreePorts.Next();

    public int GatewayPort { get; init; } = FreePorts.Next();

    public TimeSpan? HoldDuration { get; init; }

    /// <summary>
    /// Abuse protection (<c>CheckIn__RateLimiting__*</c>). Off unless a test turns it on: the other tests make many
    /// calls from one address and cycle one passenger through many holds.
    /// </summary>
    public bool RateLimiting { get; init; }

    /// <summary>Rate-limiting settings by name (<c>SeatMapPerMinute</c> → <c>CheckIn__RateLimiting__SeatMapPerMinute</c>).</summary>
    public IReadOnlyDictionary<string, string> RateLimits { get; init; } = new Dictionary<string, string>();

    /// <summary>More settings for this host (environment variable names).</summary>
    public IReadOnlyDictionary<string, string?> Extra { get; init; } = new Dictionary<string, string?>();

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort}");

    public static HostSettings For(string database, string redis) => new()
    {
        Postgres = database,
        Redis = redis,
        ClusterId = $"hosts-{Guid.NewGuid():N}",
    };

    /// <summary>Another host of the same cluster, on its own ports.</summary>
    public HostSettings Sibling() => this with
    {
        HttpPort = FreePorts.Next(),
        SiloPort = FreePorts.Next(),
        GatewayPort = FreePorts.Next(),
    };

    /// <summary>The same host with abuse protection on, and these settings (the rest keep their defaults).</summary>
    public HostSettings WithRateLimiting(IReadOnlyDictionary<string, string> limits) => this with { RateLimiting = true, RateLimits = limits };

    public IReadOnlyDictionary<string, string?> ToEnvironment()
    {
        var environment = Core();
        foreach (var (name, value) in RateLimits)
        {
            environment[$"CheckIn__RateLimiting__{name}"] = value;
        }
        foreach (var (name, value) in Extra)
        {
            environment[name] = value;
        }
        return environment;
    }

    private Dictionary<string, string?> Core() => new(StringComparer.Ordinal)
    {
        ["ConnectionStrings__Postgres"] = Postgres,
        ["ConnectionStrings__Redis"] = Redis,
        ["Orleans__ClusterId"] = ClusterId,
        ["Orleans__ServiceId"] = ClusterId,
        ["Orleans__SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture),
        ["Orleans__GatewayPort"] = GatewayPort.ToString(CultureInfo.InvariantCulture),
        ["urls"] = BaseAddress.ToString().TrimEnd('/'),
        ["CheckIn__AdminKey"] = AdminKey,
        ["CheckIn__TokenSigningKey"] = SigningKey,
        ["CheckIn__Payments__WebhookSecret"] = WebhookSecret,
        // The hosts weigh bags and take payments with their own in-process simulators (durable mode needs the opt-in).
        ["CheckIn__Simulators__Enabled"] = "true",
        ["CheckIn__HoldDuration"] = HoldDuration?.ToString("c", CultureInfo.InvariantCulture),
        ["CheckIn__RateLimiting__Enabled"] = RateLimiting ? "true" : "false",
        // Two Polly lines per grain placement would bury what matters when a failing test prints the output.
        ["Logging__LogLevel__Polly"] = "Warning",
    };
}
