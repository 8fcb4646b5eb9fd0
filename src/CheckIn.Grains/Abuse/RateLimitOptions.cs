using System.ComponentModel.DataAnnotations;
using CheckIn.Contracts.Abuse;

namespace CheckIn.Grains.Abuse;

/// <summary>
/// Abuse protection settings, bound from <c>CheckIn:RateLimiting</c> (environment: <c>CheckIn__RateLimiting__Name</c>).
/// README "Abuse protection" documents each one; ARCHITECTURE.md "Abuse protection" how they are counted.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "CheckIn:RateLimiting";

    /// <summary>Off: nothing is counted, refused, blocked or cooled down (for load tests).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Seat-map reads per client per minute.</summary>
    [Range(1, int.MaxValue)]
    public int SeatMapPerMinute { get; set; } = 60;

    /// <summary>Seat commands (hold, confirm, release) per client per minute.</summary>
    [Range(1, int.MaxValue)]
    public int SeatCommandsPerMinute { get; set; } = 20;

    /// <summary>Sign-in attempts (sessions, wrong admin keys, wrong dashboard credentials) per client per minute.</summary>
    [Range(1, int.MaxValue)]
    public int SessionsPerMinute { get; set; } = 10;

    /// <summary>More than this many seat-map reads within <see cref="BurstWindow"/> blocks the client.</summary>
    [Range(1, int.MaxValue)]
    public int BurstReads { get; set; } = 30;

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan BurstWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>This many or more distinct flights' seat maps within <see cref="ScrapeWindow"/> blocks the client.</summary>
    [Range(2, int.MaxValue)]
    public int ScrapeDistinctFlights { get; set; } = 50;

    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan ScrapeWindow { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a burst or scrape block lasts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan BlockDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>More than this many hold/release cycles of one passenger within <see cref="HoldCycleWindow"/> starts a cooldown.</summary>
    [Range(1, int.MaxValue)]
    public int HoldCycles { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HoldCycleWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a passenger in cooldown cannot hold a seat (409 HOLD_COOLDOWN).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan HoldCooldown { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Known API keys, each a client of its own with its own limits (unset ones use the defaults above).</summary>
    public List<ApiClientOptions> ApiKeys { get; set; } = [];

    public ClientLimits DefaultLimits => new(SeatMapPerMinute, SeatCommandsPerMinute, SessionsPerMinute);
}

/// <summary>One API key (<c>CheckIn__RateLimiting__ApiKeys__0__Name</c>, <c>__Key</c>, <c>__SeatMapPerMinute</c>, …).</summary>
public sealed class ApiClientOptions
{
    /// <summary>The client's name: its client key is <c>key:{Name}</c> (the key itself is never logged or stored).</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The secret the client sends in <c>X-Api-Key</c>.</summary>
    [Required, MinLength(16)]
    public string Key { get; set; } = "";

    public int? SeatMapPerMinute { get; set; }

    public int? SeatCommandsPerMinute { get; set; }

    public int? SessionsPerMinute { get; set; }

    public ClientLimits LimitsOver(ClientLimits defaults) => new(
        SeatMapPerMinute ?? defaults.SeatMapPerMinute,
        SeatCommandsPerMinute ?? defaults.SeatCommandsPerMinute,
        SessionsPerMinute ?? defaults.SessionsPerMinute);
}
