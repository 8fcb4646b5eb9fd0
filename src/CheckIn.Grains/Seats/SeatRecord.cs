using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Seats;

/// <summary>How the previous owner's claim on a seat ended; lets repeats and late confirms get the right answer.</summary>
internal enum ClaimEnd
{
    None = 0,
    Released = 1,
    Expired = 2,
}

/// <summary>The committed facts of one seat. Immutable: every transition makes a new one with a higher version.</summary>
internal sealed record SeatRecord(
    SeatStatus Status,
    string? PassengerId,
    DateTimeOffset? HoldExpiresAt,
    long Version,
    DateTimeOffset UpdatedAt,
    string? PreviousOwner,
    ClaimEnd PreviousEnd)
{
    /// <summary>A new record each time: a storage serializer that populates objects in place must never share one.</summary>
    public static SeatRecord Initial => new(SeatStatus.Available, null, null, 0, DateTimeOffset.MinValue, null, ClaimEnd.None);

    public bool IsOwnedBy(string passengerId) =>
        Status is SeatStatus.Held or SeatStatus.Confirmed && string.Equals(PassengerId, passengerId, StringComparison.Ordinal);

    public bool IsHoldDue(DateTimeOffset now) => Status == SeatStatus.Held && HoldExpiresAt is { } at && now >= at;
}

/// <summary>Persisted state of a seat grain: the record plus audit events not yet confirmed in the audit log.</summary>
internal sealed class SeatState
{
    public SeatRecord Record { get; set; } = SeatRecord.Initial;

    /// <summary>The outbox: written in the same state write as the transition, appended to the audit log after it.</summary>
    public List<SeatAuditEvent> UnpublishedEvents { get; set; } = [];
}
