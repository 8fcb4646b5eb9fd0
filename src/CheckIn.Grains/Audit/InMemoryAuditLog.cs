using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Audit;

/// <summary>The audit log of the embedded mode and of tests: process memory, gone with the process.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly InMemoryEventStore<SeatAuditEvent> _store = new(e => e.EventId);

    public Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default) => _store.AppendAsync(events);

    public Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default) =>
        _store.QueryAsync(e => e.FlightId == flightId && (seatNumber is null || e.SeatNumber == seatNumber), e => e.At, limit);
}
