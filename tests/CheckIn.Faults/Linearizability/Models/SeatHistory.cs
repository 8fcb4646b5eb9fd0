namespace CheckIn.Faults.Linearizability.Models;

public enum SeatCommand
{
    Hold,
    Confirm,
    Release,
}

/// <summary>A hold, confirm or release of one seat by one passenger, as the REST API receives it.</summary>
public sealed record SeatRequest(string Seat, SeatCommand Command, string Passenger)
{
    public override string ToString() => $"{Command.ToString().ToLowerInvariant()} {Seat} by {Passenger}";
}

/// <summary>
/// The seat statuses a hold/confirm/release history shows without the waitlist. OFFERED (a seat freed while its cabin
/// has a waitlist) is not here: the waitlist's claim, assignment and end of offer are not in such a history, so a
/// recorder must refuse an answer naming OFFERED rather than map it (see ARCHITECTURE.md).
/// </summary>
public enum SeatPhase
{
    Available,
    Held,
    Confirmed,
}

/// <summary>What the API answered: 2xx with the seat's status (and <c>holdExpiresAt</c> when HELD), or a problem's <c>code</c>.</summary>
public sealed record SeatAnswer(SeatPhase? Status, DateTimeOffset? HoldExpiresAt, string? Code)
{
    public static SeatAnswer Ok(SeatPhase status, DateTimeOffset? holdExpiresAt = null) => new(status, holdExpiresAt, null);

    public static SeatAnswer Refused(string code) => new(null, null, code);

    public override string ToString() =>
        Code ?? (HoldExpiresAt is { } at ? $"{Status} until {at:HH:mm:ss.fff}" : $"{Status}");
}

/// <summary>The API's problem codes for seat commands (README, "Errors").</summary>
public static class SeatCodes
{
    public const string SeatUnavailable = "SEAT_UNAVAILABLE";
    public const string NotHolder = "NOT_HOLDER";
    public const string HoldExpired = "HOLD_EXPIRED";

    /// <summary>
    /// Refusals decided before the seat grain is asked (the rate limiter, the passenger's hold cooldown, the check-in
    /// lock): legal in any seat state and change nothing on the seat.
    /// </summary>
    public static IReadOnlySet<string> DecidedBeforeTheSeat { get; } =
        new HashSet<string>(["HOLD_COOLDOWN", "CHECKIN_COMPLETED", "RATE_LIMITED", "CLIENT_BLOCKED"], StringComparer.Ordinal);
}

/// <summary>
/// A seat as the model knows it. A hold's expiry is an interval [<see cref="ExpiresFrom"/>, <see cref="ExpiresBy"/>]:
/// one instant once an answer showed <c>holdExpiresAt</c>, a range while the only hold we know of had an unknown
/// outcome (<see cref="ExpiresBy"/> null: unbounded). <see cref="PreviousHolder"/> and <see cref="PreviousExpired"/>
/// mirror the grain's record: they decide HOLD_EXPIRED versus NOT_HOLDER and an idempotent repeat of a release.
/// <see cref="NotBefore"/> is the earliest instant the next operation can take effect at: operations take effect in
/// the order they are linearized, so none can come before the invocation of one already linearized, nor before an
/// expiry one already saw.
/// </summary>
public sealed record SeatState(
    SeatPhase Phase,
    string? Holder,
    DateTimeOffset? ExpiresFrom,
    DateTimeOffset? ExpiresBy,
    string? PreviousHolder,
    bool PreviousExpired,
    DateTimeOffset NotBefore)
{
    public static SeatState Free { get; } = new(SeatPhase.Available, null, null, null, null, false, DateTimeOffset.MinValue);

    public bool IsOwnedBy(string passenger) =>
        Phase is SeatPhase.Held or SeatPhase.Confirmed && string.Equals(Holder, passenger, StringComparison.Ordinal);
}
