using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Seats;

/// <summary>
/// The persisted seat map of one flight: one column per field, one position per seat in layout order, so a
/// 180-seat map stays a few kilobytes of JSON. Holders are stored but never leave the grain in an anonymous view.
/// </summary>
/// <remarks>
/// <see cref="Clean"/> is true only in a snapshot written by a graceful deactivation (or by the flight's creation):
/// it then holds every notification its activation applied. An activation writes it false before it applies its
/// first notification, so a snapshot left by an activation that died having applied one is rebuilt from the seats
/// instead of trusted. Notifications that never reached an activation are not in a clean snapshot either: a map
/// loading one catches up from the audit log on the events since <see cref="WrittenAt"/>.
/// </remarks>
internal sealed class SeatMapState
{
    public bool Clean { get; set; }

    /// <summary>When this snapshot was written (the writer's clock); null in rows older than the field.</summary>
    public DateTimeOffset? WrittenAt { get; set; }

    /// <summary>The flight's creation time: the map's <c>LastUpdated</c> before any seat changed.</summary>
    public DateTimeOffset FlightCreatedAt { get; set; }

    public string[] SeatNumbers { get; set; } = [];

    /// <summary>The status as the map shows it (an available blocked seat is <see cref="SeatStatus.Blocked"/>).</summary>
    public SeatStatus[] Statuses { get; set; } = [];

    public DateTimeOffset?[] HoldExpiresAt { get; set; } = [];

    public string?[] PassengerIds { get; set; } = [];

    /// <summary>The seat version the entry reflects; -1 while a rebuild has not heard from the seat.</summary>
    public long[] Versions { get; set; } = [];

    /// <summary>When the seat last changed; null for a seat that never did.</summary>
    public DateTimeOffset?[] UpdatedAt { get; set; } = [];

    public int Count => SeatNumbers.Length;

    /// <summary>Every seat of the flight as its layout defines it, at <paramref name="version"/>.</summary>
    public static SeatMapState FromFlight(FlightInfo flight, long version)
    {
        var seats = flight.Seats;
        var map = new SeatMapState
        {
            FlightCreatedAt = flight.CreatedAt,
            SeatNumbers = new string[seats.Count],
            Statuses = new SeatStatus[seats.Count],
            HoldExpiresAt = new DateTimeOffset?[seats.Count],
            PassengerIds = new string?[seats.Count],
            Versions = new long[seats.Count],
            UpdatedAt = new DateTimeOffset?[seats.Count],
        };
        for (var i = 0; i < seats.Count; i++)
        {
            map.SeatNumbers[i] = seats[i].SeatNumber;
            map.Statuses[i] = seats[i].Blocked ? SeatStatus.Blocked : SeatStatus.Available;
            map.Versions[i] = version;
        }
        return map;
    }

    /// <summary>False for a row whose columns disagree (never written by us): such a row is rebuilt, not served.</summary>
    public bool IsWellFormed() =>
        Count > 0 && Statuses.Length == Count && HoldExpiresAt.Length == Count && PassengerIds.Length == Count
        && Versions.Length == Count && UpdatedAt.Length == Count;

    /// <summary>Seat number → position.</summary>
    public Dictionary<string, int> IndexSeats()
    {
        var index = new Dictionary<string, int>(Count, StringComparer.Ordinal);
        for (var i = 0; i < Count; i++)
        {
            index[SeatNumbers[i]] = i;
        }
        return index;
    }

    /// <summary>Whether the seat's state is newer than the map's entry (what <see cref="Apply"/> would take).</summary>
    public bool IsNewer(IReadOnlyDictionary<string, int> index, SeatSnapshot snapshot) =>
        index.TryGetValue(snapshot.SeatNumber, out var i) && snapshot.Version > Versions[i];

    /// <summary>Takes the seat's committed state if it is newer than the entry; returns whether anything changed.</summary>
    public bool Apply(IReadOnlyDictionary<string, int> index, SeatSnapshot snapshot)
    {
        if (!index.TryGetValue(snapshot.SeatNumber, out var i) || snapshot.Version <= Versions[i])
        {
            return false;
        }
        Versions[i] = snapshot.Version;
        // An untouched seat reports DateTimeOffset.MinValue; null keeps the row short and means the same.
        UpdatedAt[i] = snapshot.Version > 0 ? snapshot.UpdatedAt : null;
        Statuses[i] = snapshot.Status;
        HoldExpiresAt[i] = snapshot.HoldExpiresAt;
        PassengerIds[i] = snapshot.PassengerId;
        return true;
    }

    /// <summary>The map at the sum of its seat versions (which only grows, across activations too).</summary>
    public SeatMapView ToView(string flightId)
    {
        long version = 0;
        var lastUpdated = FlightCreatedAt;
        var entries = new SeatMapEntry[Count];
        for (var i = 0; i < Count; i++)
        {
            version += Math.Max(0, Versions[i]);
            if (UpdatedAt[i] is { } at && at > lastUpdated)
            {
                lastUpdated = at;
            }
            entries[i] = new SeatMapEntry(SeatNumbers[i], Statuses[i], HoldExpiresAt[i], PassengerIds[i]);
        }
        return new SeatMapView(flightId, version, lastUpdated, entries);
    }
}
