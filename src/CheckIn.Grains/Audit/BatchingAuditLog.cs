using System.Threading.Channels;
using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Audit;

/// <summary>
/// Group commit for the audit log: appends that arrive while a write is in flight are merged into the next single
/// write. Each caller still waits until its own events are durable, so nothing is acknowledged early; under load
/// the database sees one multi-row insert instead of one round trip (and one fsync) per seat command.
/// </summary>
public sealed class BatchingAuditLog : IAuditLog, IAsyncDisposable
{
    private readonly IAuditLog _inner;
    private readonly int _maxBatch;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
    private readonly Task[] _writers;

    /// <param name="inner">The log that does the writing.</param>
    /// <param name="writers">How many batches may be in flight at once.</param>
    /// <param name="maxBatch">The most events one write carries.</param>
    public BatchingAuditLog(IAuditLog inner, int writers = 2, int maxBatch = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _inner = inner;
        _maxBatch = maxBatch;
        _writers = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    public Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        var pending = new PendingAppend(events, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(pending), this);
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    public Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default) =>
        _inner.QueryAsync(flightId, seatNumber, limit, cancellationToken);

    public Task<IReadOnlyDictionary<string, long>> LatestSeatVersionsAsync(string flightId, DateTimeOffset? since, CancellationToken cancellationToken = default) =>
        _inner.LatestSeatVersionsAsync(flightId, since, cancellationToken);

    public Task<IReadOnlyList<OpenSeat>> OpenSeatsAsync(string flightId, CancellationToken cancellationToken = default) =>
        _inner.OpenSeatsAsync(flightId, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>();
        var events = new List<SeatAuditEvent>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            events.Clear();
            while (events.Count < _maxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                events.AddRange(next.Events);
            }
            if (batch.Count == 0)
            {
                continue;
            }
            try
            {
                await _inner.AppendAsync([.. events]);
                batch.ForEach(p => p.Done.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(p => p.Done.TrySetException(ex));
            }
        }
    }

    private sealed record PendingAppend(IReadOnlyList<SeatAuditEvent> Events, TaskCompletionSource Done);
}
