using CheckIn.Contracts.Waitlist;

namespace CheckIn.Grains.Audit;

/// <summary>
/// Where waitlist transitions (JOINED, ASSIGNED, LEFT, EXPIRED) are recorded. The waitlist grain keeps unpublished
/// events in its durable state (an outbox) and appends them here; an event id already recorded is ignored.
/// </summary>
public interface IWaitlistAuditLog
{
    Task AppendAsync(IReadOnlyList<WaitlistAuditEvent> events, CancellationToken cancellationToken = default);

    /// <summary>A flight's waitlist events, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<WaitlistAuditEvent>> QueryAsync(string flightId, int limit, CancellationToken cancellationToken = default);
}

/// <summary>The embedded mode's waitlist audit log: process memory, gone with the process like the rest of its state.</summary>
public sealed class InMemoryWaitlistAuditLog : IWaitlistAuditLog
{
    private readonly InMemoryEventStore<WaitlistAuditEvent> _store = new(e => e.EventId);

    public Task AppendAsync(IReadOnlyList<WaitlistAuditEvent> events, CancellationToken cancellationToken = default) => _store.AppendAsync(events);

    public Task<IReadOnlyList<WaitlistAuditEvent>> QueryAsync(string flightId, int limit, CancellationToken cancellationToken = default) =>
        _store.QueryAsync(e => e.FlightId == flightId, e => e.At, limit);
}
