using Microsoft.Extensions.Options;

namespace CheckIn.Host.Hosting;

/// <summary>Host settings from the <c>CheckIn</c> section (environment: <c>CheckIn__Name</c>).</summary>
public sealed class CheckInOptions
{
    public const string Section = "CheckIn";
    public const string EmbeddedAdminKey = "dev-admin-key";
    public const string EmbeddedSigningKey = "embedded-mode-token-signing-key-not-for-production-use";

    /// <summary>The key the admin API expects in <c>X-Admin-Key</c>.</summary>
    public string? AdminKey { get; set; }

    /// <summary>HMAC-SHA256 key for passenger session tokens; every silo of a cluster must share it.</summary>
    public string? TokenSigningKey { get; set; }

    /// <summary>How long a passenger session token is valid.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The largest request body any endpoint reads (<c>CheckIn__MaxRequestBodyBytes</c>); larger is 413
    /// <c>PAYLOAD_TOO_LARGE</c>. An endpoint may declare its own limit (the payment webhook keeps its 64 KB).
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    public const long DefaultMaxRequestBodyBytes = 32 * 1024;

    /// <summary>
    /// How long an activation may go without a call (or reminder) before Orleans deactivates it
    /// (<c>CheckIn__GrainCollectionAge</c>; Orleans's <c>GrainCollectionOptions.CollectionAge</c>, 15 min in Orleans
    /// 10.4.2). A flight nobody looks at gives its seat, seat-map and flight grains back within this plus Orleans's
    /// one-minute collection scan; they reactivate from storage on the next call. A held seat stays active until its
    /// hold ends (its expiry timer keeps it alive). Grain types with their own <c>[CollectionAgeLimit]</c> keep theirs.
    /// </summary>
    public TimeSpan GrainCollectionAge { get; set; } = DefaultGrainCollectionAge;

    public static readonly TimeSpan DefaultGrainCollectionAge = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The shortest <see cref="GrainCollectionAge"/>: twice Orleans's collection scan period (one minute), below
    /// which the scan, not the setting, decides when an idle activation goes.
    /// </summary>
    public static readonly TimeSpan MinimumGrainCollectionAge = TimeSpan.FromMinutes(2);

    /// <summary>The Orleans Dashboard at <c>/dashboard</c> (<c>CheckIn__Dashboard__*</c>).</summary>
    public DashboardSettings Dashboard { get; set; } = new();
}

/// <summary>Dashboard settings: in durable mode it asks for the admin key (HTTP Basic) and hides its live log stream.</summary>
public sealed class DashboardSettings
{
    public const string ShowLogsSetting = "CheckIn:Dashboard:ShowLogs";

    /// <summary>Turns the dashboard's live log stream (<c>/dashboard/Trace</c>) on; off unless set.</summary>
    public bool ShowLogs { get; set; }
}

/// <summary>Silo settings from the <c>Orleans</c> section.</summary>
public sealed class OrleansHostOptions
{
    public const string Section = "Orleans";

    public int SiloPort { get; set; } = 11111;
    public int GatewayPort { get; set; } = 30000;
    public string ClusterId { get; set; } = "checkin";
    public string ServiceId { get; set; } = "checkin";

    /// <summary>
    /// Host name or IP other silos reach this one at. Unset: 127.0.0.1 (several hosts on one machine). Set it in
    /// containers (docker-compose sets the service name); the silo then listens on all addresses.
    /// </summary>
    public string? AdvertisedHost { get; set; }
}

/// <summary>Fails start-up with a message that names the setting to fix.</summary>
internal sealed class CheckInOptionsValidator(RunMode mode) : IValidateOptions<CheckInOptions>
{
    public const int MinimumSigningKeyLength = 32;

    public ValidateOptionsResult Validate(string? name, CheckInOptions options)
    {
        var failures = new List<string>();
        if (mode.IsDurable && string.IsNullOrWhiteSpace(options.AdminKey))
        {
            failures.Add("CheckIn:AdminKey (CheckIn__AdminKey) is required when ConnectionStrings:Postgres is set.");
        }
        if (mode.IsDurable && string.IsNullOrWhiteSpace(options.TokenSigningKey))
        {
            failures.Add("CheckIn:TokenSigningKey (CheckIn__TokenSigningKey) is required when ConnectionStrings:Postgres is set.");
        }
        if (options.TokenSigningKey is { Length: > 0 and < MinimumSigningKeyLength })
        {
            failures.Add($"CheckIn:TokenSigningKey must be at least {MinimumSigningKeyLength} characters.");
        }
        if (options.MaxRequestBodyBytes < 1024)
        {
            failures.Add("CheckIn:MaxRequestBodyBytes (CheckIn__MaxRequestBodyBytes) must be at least 1024.");
        }
        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenLifetime > TimeSpan.FromDays(1))
        {
            failures.Add("CheckIn:TokenLifetime must be between 00:00:01 and 1.00:00:00.");
        }
        if (options.GrainCollectionAge < CheckInOptions.MinimumGrainCollectionAge || options.GrainCollectionAge > TimeSpan.FromDays(1))
        {
            failures.Add("CheckIn:GrainCollectionAge (CheckIn__GrainCollectionAge) must be between 00:02:00 and 1.00:00:00.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Fills the embedded mode's development defaults.</summary>
internal sealed class CheckInOptionsDefaults(RunMode mode) : IPostConfigureOptions<CheckInOptions>
{
    public void PostConfigure(string? name, CheckInOptions options)
    {
        if (!mode.IsDurable)
        {
            options.AdminKey ??= CheckInOptions.EmbeddedAdminKey;
            options.TokenSigningKey ??= CheckInOptions.EmbeddedSigningKey;
        }
    }
}
