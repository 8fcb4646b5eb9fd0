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
    private readonly Lock _gate = new();
    private readonly List<WaitlistAuditEvent> _events = [];
    private readonly HashSet<Guid> _ids = [];

    public Task AppendAsync(IReadOnlyList<WaitlistAuditEvent> events, CancellationToken cancellationToken = default)
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

    public Task<IReadOnlyList<WaitlistAuditEvent>> QueryAsync(string flightId, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<WaitlistAuditEvent> found = [.. _events.Where(e => e.FlightId == flightId).OrderBy(e => e.At).Take(limit)];
            return Task.FromResult(found);
        }
    }
}
