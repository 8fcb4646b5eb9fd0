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

/// <summary>
/// Makes the next seat releases of the seats a test names fail before the seat runs them, as a call to a silo that
/// just died does: the caller gets no answer and the seat keeps its owner.
/// </summary>
public sealed class UnansweredSeatReleases : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, int> _failing = new(StringComparer.Ordinal);

    /// <summary>The next <paramref name="times"/> releases of <c>{flightId}/{seatNumber}</c> fail.</summary>
    public void Fail(string flightId, string seatNumber, int times = 1) => _failing[$"{flightId}/{seatNumber}"] = times;

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(ISeatGrain.ReleaseAsync)
            && context.TargetId.Key.ToString() is { } key
            && _failing.TryGetValue(key, out var left) && left > 0
            && _failing.TryUpdate(key, left - 1, left))
        {
            throw new TimeoutException("injected by the test: the seat's silo does not answer");
        }
        return context.Invoke();
    }
}

/// <summary>
/// Makes the flight hold backstops of the flights a test names unreachable, as a grain on a silo that just died is:
/// <see cref="IHoldBackstopGrain.ArmAsync"/> fails before the backstop runs it.
/// </summary>
public sealed class UnreachableHoldBackstops : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<string, bool> _blocked = new(StringComparer.Ordinal);

    /// <summary>Blocks the flight's backstop; disposing the result unblocks it.</summary>
    public IDisposable Block(string flightId)
    {
        _blocked[flightId] = true;
        return new Unblock(() => _blocked.TryRemove(flightId, out _));
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IHoldBackstopGrain.ArmAsync)
            && context.TargetId.Key.ToString() is { } flightId
            && _blocked.ContainsKey(flightId))
        {
            throw new TimeoutException("injected by the test: the backstop's silo does not answer");
        }
        return context.Invoke();
    }

    private sealed class Unblock(Action unblock) : IDisposable
    {
        public void Dispose() => unblock();
    }
}
