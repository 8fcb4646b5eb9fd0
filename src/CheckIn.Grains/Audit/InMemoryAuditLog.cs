using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Audit;

/// <summary>The audit log of the embedded mode and of tests: process memory, gone with the process.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly Lock _gate = new();
    private readonly List<SeatAuditEvent> _events = [];
    private readonly HashSet<Guid> _ids = [];

    public Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default)
    {
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

    public Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            IReadOnlyList<SeatAuditEvent> found = _events
                .Where(e => e.FlightId == flightId && (seatNumber is null || e.SeatNumber == seatNumber))
                .OrderBy(e => e.At)
                .Take(limit)
                .ToList();
            return Task.FromResult(found);
        }
    }
}
