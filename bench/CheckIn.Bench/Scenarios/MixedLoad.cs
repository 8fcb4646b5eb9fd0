using System.Collections.Concurrent;
using System.Diagnostics;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// The <c>mixed</c> request mix: of every (R + 1) requests, R read a random flight's seat map (a share of them
/// revalidating with the last ETag of that flight) and one is a seat command; passengers cycle hold -> confirm ->
/// release on their own seat, so the load can go on forever. With several endpoints (hosts of one cluster), reads and
/// seat commands each go round-robin over them, request by request.
/// </summary>
internal sealed class MixedLoad
{
    private static readonly string[] Cycle = ["hold", "confirm", "release"];

    private readonly string[] _paths;
    private readonly string?[] _etags;
    private readonly ConcurrentQueue<(PassengerSlot Slot, int Next)> _passengers;
    private readonly Dictionary<string, OperationRecorder> _commands;
    private long _sequence;
    private long _readTurn;
    private long _commandTurn;

    /// <param name="suffix">Appended to the operation names (<c>seatmap-one-silo</c>), empty for none.</param>
    public MixedLoad(Fleet fleet, string suffix = "")
    {
        _paths = [.. fleet.Flights.Select(CheckInClient.SeatMapPath)];
        _etags = new string?[_paths.Length];
        _passengers = new ConcurrentQueue<(PassengerSlot Slot, int Next)>(fleet.Slots.Select(s => (s, 0)));
        Reads = new OperationRecorder("seatmap" + suffix);
        _commands = Cycle.ToDictionary(c => c, c => new OperationRecorder(c + suffix), StringComparer.Ordinal);
        All = [Reads, .. _commands.Values];
    }

    public OperationRecorder Reads { get; }

    public IReadOnlyCollection<OperationRecorder> Commands => _commands.Values;

    /// <summary>Reads first, then hold, confirm, release.</summary>
    public OperationRecorder[] All { get; }

    public int Flights => _paths.Length;

    /// <summary>C clients in a closed loop for --warmup (not recorded) then --duration, over <paramref name="endpoints"/>.</summary>
    public async Task RunAsync(BenchContext ctx, IReadOnlyList<HttpClient> endpoints, string label)
    {
        var o = ctx.Options;
        ctx.Progress.Phase($"{label}: {o.Clients} clients, {o.ReadsPerCommand} reads per seat command", BenchContext.Counters(All),
            () => $"commands {Commands.Sum(c => c.Seen)}");
        await ClosedLoop.RunAsync(o.Clients, o.Warmup, o.Duration, All, async (client, ct) =>
        {
            var n = Interlocked.Increment(ref _sequence);
            if (n % (o.ReadsPerCommand + 1) == 0 && _passengers.TryDequeue(out var passenger))
            {
                var http = endpoints[(int)(Interlocked.Increment(ref _commandTurn) % endpoints.Count)];
                var command = Cycle[passenger.Next];
                var slot = passenger.Slot;
                var start = Stopwatch.GetTimestamp();
                var outcome = await HttpExchange.SendAsync(http, CheckInClient.SeatCommand(command, slot.FlightId, slot.SeatNumber, slot.PassengerId, slot.Token), false, ct);
                _commands[command].Record(start, Stopwatch.GetTimestamp(), outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
                // After a failure start the cycle again: holding a seat one already holds is harmless.
                _passengers.Enqueue((slot, outcome.IsSuccess ? (passenger.Next + 1) % Cycle.Length : 0));
                return;
            }
            var reader = endpoints[(int)(Interlocked.Increment(ref _readTurn) % endpoints.Count)];
            var flight = Random.Shared.Next(_paths.Length);
            var start2 = Stopwatch.GetTimestamp();
            var conditional = SeatMapReads.IsConditional(client, o.ConditionalShare);
            var read = await HttpExchange.SendAsync(reader, CheckInClient.SeatMap(_paths[flight], conditional ? _etags[flight] : null), false, ct);
            if (read.ETag is not null)
            {
                _etags[flight] = read.ETag;
            }
            Reads.Record(start2, Stopwatch.GetTimestamp(), read.Status, read.Status is 200 or 304 ? null : read.Describe());
        }, ctx.Cancellation);
    }
}
