namespace CheckIn.Grains.Audit;

/// <summary>Where a seat's audit events become durable. Set by the storage registration, not by configuration.</summary>
public sealed class SeatAuditOptions
{
    /// <summary>The seat's state name: the grain type of its rows, whose writes record the outbox (sql/009, PostgresGrainStorage).</summary>
    public const string SeatStateName = "seat";

    /// <summary>
    /// The grain storage records a seat's outbox in the audit trail in the same transaction as the seat's state
    /// (PostgreSQL: the write query of <c>sql/009_seat_events_with_state.sql</c>), so the seat does not append them
    /// itself. False (in-memory storage): the seat appends its outbox to <see cref="IAuditLog"/> after the write.
    /// </summary>
    public bool RecordedWithState { get; set; }
}
