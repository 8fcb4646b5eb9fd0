using System.Diagnostics;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;

namespace CheckIn.Bench.Scenarios;

/// <summary>A seat command the bench made: the seat, the status it left the seat in, and when its 2xx arrived (Stopwatch).</summary>
internal sealed record SeatChange(string SeatNumber, string Status, long AnsweredAt);

/// <summary>What the streams delivered, over every (change, subscriber) pair.</summary>
internal sealed record DeliveryCounts
{
    public required int Subscribers { get; init; }
    public required int Changes { get; init; }

    /// <summary>Changes that some stream carried in a <c>seats</c> event (the version that carried each is known).</summary>
    public required int ChangesPublished { get; init; }
    public required long Expected { get; init; }
    public required long Delivered { get; init; }
    public required long ViaSeatsEvent { get; init; }

    /// <summary>Delivered by a full map (a stream that fell behind) at or after the change's version.</summary>
    public required long ViaFullMap { get; init; }

    /// <summary>Pairs whose first event at or after the change's version was a <c>seats</c> event of a later version (a hole).</summary>
    public required long Gaps { get; init; }

    /// <summary>Pairs with no event at or after the change's version (or the change was never published).</summary>
    public required long NeverArrived { get; init; }
    public required long ArrivedBefore2xx { get; init; }

    /// <summary>Events whose id was not newer than the event before them on the same stream.</summary>
    public required long VersionRegressions { get; init; }
    public required long SeatsEvents { get; init; }
    public required long FullMaps { get; init; }

    /// <summary>Full maps after each stream's first event (sent to a stream that fell behind).</summary>
    public required long FullMapsAfterFirst { get; init; }
    public required int DistinctVersions { get; init; }

    public long Missed => Expected - Delivered;
}

/// <summary>
/// Matches the bench's seat commands with what each stream received, after the run. A change is carried by the
/// first <c>seats</c> event (on any stream: every stream of a flight reads one hub) that shows the seat in the
/// command's status with a version newer than the one that carried the seat's previous change; it reached a
/// subscriber at the first event of that subscriber whose version is at least that one: the same <c>seats</c> event,
/// or a full map covering it. Latency is from the command's 2xx to that event's arrival.
/// </summary>
internal static class StreamDelivery
{
    public const string SeatsEvent = "seats";
    public const string SeatMapEvent = "seatmap";

    public static DeliveryCounts Analyze(IReadOnlyList<SeatChange> changes, IReadOnlyList<IReadOnlyList<StreamEvent>> streams, OperationRecorder lag)
    {
        var carriedBy = CarryingVersions(changes, streams);
        long delivered = 0, viaSeats = 0, viaFull = 0, gaps = 0, never = 0, early = 0, regressions = 0, seatsEvents = 0, fullMaps = 0, fullAfterFirst = 0;
        foreach (var events in streams)
        {
            for (var i = 0; i < events.Count; i++)
            {
                if (i > 0 && events[i].Id <= events[i - 1].Id)
                {
                    regressions++;
                }
                if (events[i].Type == SeatsEvent)
                {
                    seatsEvents++;
                }
                else if (events[i].Type == SeatMapEvent)
                {
                    fullMaps++;
                    fullAfterFirst += i > 0 ? 1 : 0;
                }
            }
            for (var c = 0; c < changes.Count; c++)
            {
                if (carriedBy[c] is not { } version)
                {
                    never++;
                    continue;
                }
                var first = FirstAtOrAfter(events, version);
                if (first is null)
                {
                    never++;
                    continue;
                }
                if (first.Type == SeatsEvent && first.Id != version)
                {
                    gaps++;
                    continue;
                }
                delivered++;
                if (first.Type == SeatMapEvent)
                {
                    viaFull++;
                }
                else
                {
                    viaSeats++;
                }
                var elapsed = first.ArrivedAt - changes[c].AnsweredAt;
                if (elapsed < 0)
                {
                    // The event overtook the command's answer on the way to the bench: counted, recorded as 0.
                    early++;
                    elapsed = 0;
                }
                lag.RecordValue(TimeSpan.FromSeconds((double)elapsed / Stopwatch.Frequency));
            }
        }
        return new DeliveryCounts
        {
            Subscribers = streams.Count,
            Changes = changes.Count,
            ChangesPublished = carriedBy.Count(v => v is not null),
            Expected = (long)changes.Count * streams.Count,
            Delivered = delivered,
            ViaSeatsEvent = viaSeats,
            ViaFullMap = viaFull,
            Gaps = gaps,
            NeverArrived = never,
            ArrivedBefore2xx = early,
            VersionRegressions = regressions,
            SeatsEvents = seatsEvents,
            FullMaps = fullMaps,
            FullMapsAfterFirst = fullAfterFirst,
            DistinctVersions = streams.SelectMany(s => s).Select(e => e.Id).Distinct().Count(),
        };
    }

    /// <summary>Per change, the version of the <c>seats</c> event that carried it; null if no stream saw one.</summary>
    internal static long?[] CarryingVersions(IReadOnlyList<SeatChange> changes, IReadOnlyList<IReadOnlyList<StreamEvent>> streams)
    {
        // Every stream of the flight forwards the same hub changes: parse each version's seats once.
        var byVersion = new SortedDictionary<long, IReadOnlyDictionary<string, SeatView>>();
        foreach (var e in streams.SelectMany(s => s))
        {
            if (e.Type == SeatsEvent && !byVersion.ContainsKey(e.Id))
            {
                byVersion[e.Id] = SeatMapState.Parse(e.Data, null).Seats;
            }
        }
        var result = new long?[changes.Count];
        var previous = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var c = 0; c < changes.Count; c++)
        {
            var change = changes[c];
            var after = previous.GetValueOrDefault(change.SeatNumber, long.MinValue);
            foreach (var (version, seats) in byVersion)
            {
                if (version > after && seats.TryGetValue(change.SeatNumber, out var seat) && seat.Status == change.Status)
                {
                    result[c] = version;
                    previous[change.SeatNumber] = version;
                    break;
                }
            }
        }
        return result;
    }

    private static StreamEvent? FirstAtOrAfter(IReadOnlyList<StreamEvent> events, long version)
    {
        foreach (var e in events)
        {
            if (e.Id >= version)
            {
                return e;
            }
        }
        return null;
    }
}
