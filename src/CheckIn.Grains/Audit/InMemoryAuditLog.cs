using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Audit;

/// <summary>The audit log of the embedded mode and of tests: process memory, gone with the process.</summary>
public sealed class InMemoryAuditLog : IAuditLog
{
    private readonly InMemoryEventStore<SeatAuditEvent> _store = new(e => e.EventId);

    public Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default) => _store.AppendAsync(events);

    public Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default) =>
        _store.QueryAsync(e => e.FlightId == flightId && (seatNumber is null || e.SeatNumber == seatNumber), e => e.At, limit);

    public async Task<IReadOnlyDictionary<string, long>> LatestSeatVersionsAsync(string flightId, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        var events = await _store.QueryAsync(e => e.FlightId == flightId && (since is null || e.At >= since), e => e.At, int.MaxValue);
        return events.GroupBy(e => e.SeatNumber, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Max(e => e.SeatVersion), StringComparer.Ordinal);
    }

    public async Task<IReadOnlyList<OpenSeat>> OpenSeatsAsync(string flightId, CancellationToken cancellationToken = default)
    {
        var events = await _store.QueryAsync(e => e.FlightId == flightId, e => e.At, int.MaxValue);
        return [.. events.GroupBy(e => e.SeatNumber, StringComparer.Ordinal)
            .Select(g => g.MaxBy(e => e.SeatVersion)!)
            .Where(e => e.To is SeatStatus.Held or SeatStatus.Offered)
            .Select(e => new OpenSeat(e.SeatNumber, e.To, e.At))];
    }
}
