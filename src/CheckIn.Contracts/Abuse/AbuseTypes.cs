namespace CheckIn.Contracts.Abuse;

/// <summary>What a client does that the limits count. Never renumber: the values travel in grain messages.</summary>
public enum LimitedAction
{
    /// <summary>A read of a flight's seat map (an open event stream counts once, when it opens).</summary>
    SeatMapRead = 1,
    /// <summary>A seat command: hold, confirm or release.</summary>
    SeatCommand = 2,
    /// <summary>A sign-in attempt: POST /api/sessions, and a wrong admin key or dashboard credential.</summary>
    Session = 3,
}

/// <summary>The rule behind a refusal, block or cooldown. Never renumber.</summary>
public enum AbuseRule
{
    /// <summary>More seat-map reads per minute than the client's limit.</summary>
    SeatMapRate = 1,
    /// <summary>More seat commands per minute than the client's limit.</summary>
    SeatCommandRate = 2,
    /// <summary>More sign-in attempts per minute than the client's limit.</summary>
    SessionRate = 3,
    /// <summary>More than BurstReads seat-map reads within BurstWindow: blocked.</summary>
    Burst = 4,
    /// <summary>ScrapeDistinctFlights or more distinct flights' seat maps within ScrapeWindow: blocked.</summary>
    Scrape = 5,
    /// <summary>More than HoldCycles hold/release cycles of one passenger within HoldCycleWindow: hold cooldown.</summary>
    HoldCycles = 6,
    /// <summary>An operator's decision (lifting a block).</summary>
    Operator = 7,
}

/// <summary>What an incident records. Never renumber.</summary>
public enum IncidentDecision
{
    /// <summary>The client was blocked until the incident's expiry.</summary>
    Blocked = 1,
    /// <summary>An operator lifted the client's block before it expired.</summary>
    BlockLifted = 2,
    /// <summary>The block reached its expiry.</summary>
    BlockExpired = 3,
    /// <summary>The passenger may not hold a seat until the incident's expiry.</summary>
    HoldCooldown = 4,
}

/// <summary>
/// One counted attempt of a client, as a silo saw it: the action, the flight (seat-map reads), when, and whether the
/// silo let it through (an attempt refused with 429 still counts towards the burst and scrape rules).
/// </summary>
[GenerateSerializer, Immutable, Alias("checkin.ClientAttempt")]
public sealed record ClientAttempt(
    [property: Id(0)] LimitedAction Action,
    [property: Id(1)] string? FlightId,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] bool Admitted);

/// <summary>A client's per-minute limits (the defaults, or its API key's own).</summary>
[GenerateSerializer, Immutable, Alias("checkin.ClientLimits")]
public sealed record ClientLimits(
    [property: Id(0)] int SeatMapPerMinute,
    [property: Id(1)] int SeatCommandsPerMinute,
    [property: Id(2)] int SessionsPerMinute)
{
    public int For(LimitedAction action) => action switch
    {
        LimitedAction.SeatMapRead => SeatMapPerMinute,
        LimitedAction.SeatCommand => SeatCommandsPerMinute,
        _ => SessionsPerMinute,
    };
}

/// <summary>
/// What one silo tells a client's guard grain: the attempts it let through on permits or refused locally since its
/// last report, and (when it needs a decision now) the attempt to decide.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkin.GuardReport")]
public sealed record GuardReport(
    [property: Id(0)] string SiloId,
    [property: Id(1)] ClientLimits Limits,
    [property: Id(2)] IReadOnlyList<ClientAttempt> Attempts,
    [property: Id(3)] ClientAttempt? Current);

/// <summary>The guard's decision on <see cref="GuardReport.Current"/> (Allowed for a report without one, unless blocked).</summary>
public enum GuardVerdict
{
    Allowed = 1,
    RateLimited = 2,
    Blocked = 3,
}

/// <summary>
/// Permits a guard grain reserved for one silo: that silo may let through this many more attempts of each action
/// (and seat-map reads of this many flights it has not reported yet) without asking, until <see cref="ValidUntil"/>.
/// The grain counts them as used until the silo reports, so all silos together never exceed a limit.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkin.Permits")]
public sealed record Permits(
    [property: Id(0)] int SeatMapReads,
    [property: Id(1)] int SeatCommands,
    [property: Id(2)] int Sessions,
    [property: Id(3)] int NewFlights,
    [property: Id(4)] DateTimeOffset ValidUntil)
{
    public static Permits None(DateTimeOffset now) => new(0, 0, 0, 0, now);

    public int For(LimitedAction action) => action switch
    {
        LimitedAction.SeatMapRead => SeatMapReads,
        LimitedAction.SeatCommand => SeatCommands,
        _ => Sessions,
    };
}

/// <summary>
/// A guard grain's answer. <see cref="RetryAt"/> is when a RATE_LIMITED or blocked client may try again;
/// <see cref="Rule"/> names the rule that refused or blocked.
/// </summary>
[GenerateSerializer, Immutable, Alias("checkin.GuardAnswer")]
public sealed record GuardAnswer(
    [property: Id(0)] GuardVerdict Verdict,
    [property: Id(1)] DateTimeOffset? RetryAt,
    [property: Id(2)] AbuseRule? Rule,
    [property: Id(3)] Permits Permits);

/// <summary>A client's active block.</summary>
[GenerateSerializer, Immutable, Alias("checkin.ClientBlock")]
public sealed record ClientBlock(
    [property: Id(0)] string ClientKey,
    [property: Id(1)] AbuseRule Rule,
    [property: Id(2)] DateTimeOffset BlockedAt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] Guid IncidentId);

/// <summary>The cluster's active blocks at <see cref="Version"/>; <see cref="Blocks"/> is null when the caller already has that version.</summary>
[GenerateSerializer, Immutable, Alias("checkin.BlockListSnapshot")]
public sealed record BlockListSnapshot(
    [property: Id(0)] long Version,
    [property: Id(1)] IReadOnlyList<ClientBlock>? Blocks);

/// <summary>
/// The audit record of a block, lifted or expired block, or hold cooldown: who (client key: <c>ip:…</c>,
/// <c>key:…</c> or <c>passenger:{flightId}/{passengerId}</c>), which rule, what was observed over which window, the
/// decision and its expiry, when, and who decided (<c>system</c> or <c>admin</c>).
/// </summary>
[GenerateSerializer, Immutable, Alias("checkin.AbuseIncident")]
public sealed record AbuseIncident(
    [property: Id(0)] Guid IncidentId,
    [property: Id(1)] string ClientKey,
    [property: Id(2)] AbuseRule Rule,
    [property: Id(3)] int ObservedCount,
    [property: Id(4)] TimeSpan Window,
    [property: Id(5)] IncidentDecision Decision,
    [property: Id(6)] DateTimeOffset? ExpiresAt,
    [property: Id(7)] DateTimeOffset At,
    [property: Id(8)] string Actor,
    [property: Id(9)] string Reason);
