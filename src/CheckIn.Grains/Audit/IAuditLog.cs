using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Audit;

/// <summary>
/// Where seat transitions are recorded. Seat grains keep unpublished events in their own durable state (an outbox)
/// and append them here before answering; appending the same event id twice keeps one record.
/// </summary>
public interface IAuditLog
{
    /// <summary>Appends the events durably; events whose id is already recorded are ignored.</summary>
    Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default);

    /// <summary>A flight's events, oldest first, optionally for one seat, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// The highest seat version recorded per seat of the flight, among events that occurred at or after
    /// <paramref name="since"/> (every event of the flight when null); seats without such events are absent.
    /// </summary>
    Task<IReadOnlyDictionary<string, long>> LatestSeatVersionsAsync(string flightId, DateTimeOffset? since, CancellationToken cancellationToken = default);

    /// <summary>
    /// The flight's seats whose latest recorded event (highest seat version) left them HELD or OFFERED, with when it
    /// happened: what the flight's hold backstop looks after.
    /// </summary>
    Task<IReadOnlyList<OpenSeat>> OpenSeatsAsync(string flightId, CancellationToken cancellationToken = default);
}

/// <summary>A seat whose latest audit event left it HELD or OFFERED, and when.</summary>
public sealed record OpenSeat(string SeatNumber, SeatStatus Status, DateTimeOffset Since);
