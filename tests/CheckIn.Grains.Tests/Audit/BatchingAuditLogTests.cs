using CheckIn.Contracts.Seats;
using CheckIn.Grains.Audit;

namespace CheckIn.Grains.Tests.Audit;

public sealed class BatchingAuditLogTests
{
    [Fact]
    public async Task Appends_that_arrive_during_a_write_go_out_together_and_each_waits_for_its_own_write()
    {
        var inner = new GatedLog();
        await using var log = new BatchingAuditLog(inner, writers: 1);

        var first = log.AppendAsync([Event()]);
        await inner.FirstWriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var later = Enumerable.Range(0, 10).Select(_ => log.AppendAsync([Event(), Event()])).ToList();

        Assert.False(first.IsCompleted);
        Assert.All(later, t => Assert.False(t.IsCompleted));
        inner.Release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.WhenAll(later).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([1, 20], inner.BatchSizes);
    }

    [Fact]
    public async Task A_failed_write_fails_every_append_in_it()
    {
        await using var log = new BatchingAuditLog(new FailingLog(), writers: 1);

        var appends = Enumerable.Range(0, 5).Select(_ => log.AppendAsync([Event()])).ToList();

        foreach (var append in appends)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => append.WaitAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task Every_appended_event_reaches_the_log_once()
    {
        var inner = new InMemoryAuditLog();
        await using var log = new BatchingAuditLog(inner, writers: 2, maxBatch: 7);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => log.AppendAsync([Event("F1")]))));

        Assert.Equal(200, (await inner.QueryAsync("F1", null, 1000)).Count);
    }

    private static SeatAuditEvent Event(string flightId = "F0") =>
        new(Guid.NewGuid(), flightId, "1A", SeatStatus.Available, SeatStatus.Held, "P-1", "test", "test", DateTimeOffset.UnixEpoch, "c", 1);

    private sealed class GatedLog : IAuditLog
    {
        public TaskCompletionSource FirstWriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<int> BatchSizes { get; } = [];

        public async Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default)
        {
            lock (BatchSizes)
            {
                BatchSizes.Add(events.Count);
            }
            FirstWriteStarted.TrySetResult();
            await Release.Task;
        }

        public Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<SeatAuditEvent>>([]);

        public Task<IReadOnlyDictionary<string, long>> LatestSeatVersionsAsync(string flightId, DateTimeOffset? since, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());

        public Task<IReadOnlyList<OpenSeat>> OpenSeatsAsync(string flightId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<OpenSeat>>([]);
    }

    private sealed class FailingLog : IAuditLog
    {
        public Task AppendAsync(IReadOnlyList<SeatAuditEvent> events, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the database is down");

        public Task<IReadOnlyList<SeatAuditEvent>> QueryAsync(string flightId, string? seatNumber, int limit, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<SeatAuditEvent>>([]);

        public Task<IReadOnlyDictionary<string, long>> LatestSeatVersionsAsync(string flightId, DateTimeOffset? since, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, long>>(new Dictionary<string, long>());

        public Task<IReadOnlyList<OpenSeat>> OpenSeatsAsync(string flightId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<OpenSeat>>([]);
    }
}
