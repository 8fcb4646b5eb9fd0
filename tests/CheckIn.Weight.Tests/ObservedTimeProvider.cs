using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Weight.Tests;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that also tells the test when a timer with a given due time exists: the phase
/// barrier between "the request is waiting" and "advance the clock", so no test sleeps or guesses.
/// </summary>
internal sealed class ObservedTimeProvider(FakeTimeProvider fake) : TimeProvider
{
    private readonly ConcurrentDictionary<TimeSpan, TaskCompletionSource> _timers = new();

    public FakeTimeProvider Fake { get; } = fake;

    public Task TimerCreated(TimeSpan dueTime) => Signal(dueTime).Task;

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        Signal(dueTime).TrySetResult();
        return timer;
    }

    private TaskCompletionSource Signal(TimeSpan dueTime) =>
        _timers.GetOrAdd(dueTime, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
