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
    private readonly Lock _gate = new();
    private readonly List<CheckInAuditEvent> _events = [];
    private readonly HashSet<Guid> _ids = [];

    public Task AppendAsync(IReadOnlyList<CheckInAuditEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        lock (_gate)
        {
            foreach (var e in events)
            {
                if (_ids.Add(e.EventId))
                {
                    _events.Add(e);
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CheckInAuditEvent>> QueryAsync(string flightId, string? passengerId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<CheckInAuditEvent> found = _events
                .Where(e => e.FlightId == flightId && (passengerId is null || e.PassengerId == passengerId))
                .OrderBy(e => e.At)
                .ThenBy(e => e.Version)
                .Take(limit)
                .ToList();
            return Task.FromResult(found);
        }
    }
}
