using System.Collections.Concurrent;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Audit;

namespace CheckIn.Grains.Tests.Support;

/// <summary>
/// The cluster's audit log: the in-memory log, except that <see cref="IAuditLog.LatestSeatVersionsAsync"/> fails for
/// the flights a test names (a database that does not answer the seat map's catch-up), and appends of the flights a
/// test names with <see cref="FailAppends"/> fail (an audit database that is down, then recovers).
/// </summary>
public sealed class FailingSeatVersionQueries(IAuditLog inner) : IAuditLog
{
    private readonly ConcurrentDictionary<string, int> _failing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _failingAppends = new(StringComparer.Ordinal);

    /// <summary>Starts failing appends of the flight's events; disposing the result stops it.</summary>
    public IDisposable FailAppends(string flightId)
    {
        _failingAppends[flightId] = 0;
        return new Stop(() => _failingAppends.TryRemove(flightId, out _));
    }

    /// <summary>Starts failing the flight's queries; disposing the result stops it.</summary>
    public IDisposable Fail(string flightId)
    {
        _failing[flightId] = 0;
        return new Stop(() => _failing.TryRemove(flightId, out _));
    }

    /// <summary>How many queries of the flight failed so far.</summary>
    public int FailedFor(string flightId) => _failing.TryGetValue(flightId, out var count) ? count : 0;

    public Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default) =>
        events.Any(e => _failingAppends.ContainsKey(e.FlightId))
            ? Task.FromException(new InvalidOperationException("the audit database does not answer (test)"))
            : inner.AppendAsync(events, cancellationToken);

    public Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(flightId, seatNumber, limit, cancellationToken);

    public Task<IReadOnlyList<OpenSeat>> OpenSeatsAsync(string flightId, CancellationToken cancellationToken = default) =>
        inner.OpenSeatsAsync(flightId, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> LatestSeatVersionsAsync(string flightId, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        if (_failing.ContainsKey(flightId))
        {
            _failing.AddOrUpdate(flightId, 1, (_, n) => n + 1);
            throw new InvalidOperationException("the audit database does not answer");
        }
        return inner.LatestSeatVersionsAsync(flightId, since, cancellationToken);
    }

    private sealed class Stop(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
