namespace CheckIn.Bench;

/// <summary>Every setting of one run, after scenario (and <c>--smoke</c>) defaults were applied.</summary>
internal sealed record BenchOptions
{
    public required string Scenario { get; init; }

    public required string CommandLine { get; init; }

    // Target
    public Uri? Url { get; init; }
    public string? AdminKey { get; init; }
    public string? StartHost { get; init; }
    public string? Postgres { get; init; }
    public string? Redis { get; init; }
    public int? HostPid { get; init; }
    public string? HostDir { get; init; }
    public TimeSpan? HoldDuration { get; init; }
    public bool NoRateLimits { get; init; }

    /// <summary>off, on or both (see <see cref="Target.RateLimitSettings"/>); --no-rate-limits makes it off.</summary>
    public string RateLimits { get; init; } = Target.RateLimitSettings.Off;

    /// <summary>off, on or both (see <see cref="Target.TelemetrySettings"/>): a started host's metrics and tracing.</summary>
    public string Telemetry { get; init; } = Target.TelemetrySettings.On;
    public bool KeepDatabase { get; init; }

    // Load and sizes
    public bool Smoke { get; init; }
    public int Clients { get; init; }
    public TimeSpan Duration { get; init; }
    public TimeSpan Warmup { get; init; }
    public double Rate { get; init; }
    public int Flights { get; init; }
    public int Rows { get; init; }
    public string Columns { get; init; } = "ABC_DEF";
    public int Seats { get; init; }
    public int Holds { get; init; }
    public int Waiters { get; init; }
    public double WriteRate { get; init; }
    public double ConditionalShare { get; init; }
    public double HeldShare { get; init; }

    /// <summary>scale: how long the host is left alone after the warm reads (zero: not at all).</summary>
    public TimeSpan Idle { get; init; }
    public int ReadsPerCommand { get; init; }
    public int Subscribers { get; init; }
    public int Changes { get; init; }
    public TimeSpan Timeout { get; init; }
    public int SetupConcurrency { get; init; }
    public bool NoNginx { get; init; }
    public int PgbenchClients { get; init; }
    public int PgbenchScale { get; init; }

    // Output
    public bool NoSave { get; init; }
    public string? ResultsDir { get; init; }
}
