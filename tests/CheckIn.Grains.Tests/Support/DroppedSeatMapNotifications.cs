using System.Collections.Concurrent;
using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Tests.Support;

/// <summary>
/// Loses the seat map's one-way <see cref="ISeatMapGrain.SeatChangedAsync"/> notifications of the flights a test
/// names, as a silo that dies with the message would: the map never applies them.
/// </summary>
public sealed class DroppedSeatMapNotifications : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _dropping = new(StringComparer.Ordinal);

    /// <summary>Starts dropping the flight's notifications; disposing the result stops it.</summary>
    public IDisposable Drop(string flightId)
    {
        _dropping[flightId] = 0;
        return new Stop(() => _dropping.TryRemove(flightId, out _));
    }

    /// <summary>How many notifications of the flight were dropped so far.</summary>
    public int DroppedFor(string flightId) => _dropping.TryGetValue(flightId, out var count) ? count : 0;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(ISeatMapGrain.SeatChangedAsync)
            && context.TargetId.Key.ToString() is { } flightId
            && _dropping.ContainsKey(flightId))
        {
            _dropping.AddOrUpdate(flightId, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
        return context.Invoke();
    }

    private sealed class Stop(Action stop) : IDisposable
    {
        public void Dispose() => stop();
    }
}
