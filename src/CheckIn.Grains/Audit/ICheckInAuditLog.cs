using CheckIn.Contracts.CheckIns;

namespace CheckIn.Grains.Audit;

/// <summary>
/// Where check-in transitions are recorded. Check-in grains keep unpublished events in their durable state (an
/// outbox) and append them here before answering; an event id already recorded is ignored.
/// </summary>
public interface ICheckInAuditLog
{
    Task AppendAsync(IReadOnlyList<CheckInAuditEvent> events, CancellationToken cancellationToken = default);

    /// <summary>One passenger's check-in events on a flight (or every passenger's when null), oldest first.</summary>
    Task<IReadOnlyList<CheckInAuditEvent>> QueryAsync(string flightId, string? passengerId, int limit, CancellationToken cancellationToken = default);
}

/// <summary>The embedded mode's check-in audit log: process memory, gone with the process like the rest of its state.</summary>
public sealed class InMemoryCheckInAuditLog : ICheckInAuditLog
{
    private readonly InMemoryEventStore<CheckInAuditEvent> _store = new(e => e.EventId);

    public Task AppendAsync(IReadOnlyList<CheckInAuditEvent> events, CancellationToken cancellationToken = default) => _store.AppendAsync(events);

    public Task<IReadOnlyList<CheckInAuditEvent>> QueryAsync(string flightId, string? passengerId, int limit, CancellationToken cancellationToken = default) =>
        _store.QueryAsync(e => e.FlightId == flightId && (passengerId is null || e.PassengerId == passengerId), e => (e.At, e.Version), limit);
}
