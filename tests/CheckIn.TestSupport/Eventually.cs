using System.Diagnostics;

namespace CheckIn.TestSupport;

/// <summary>
/// Waits for something a one-way message, a timer or another process will make true: asks again until it holds or
/// the deadline passes, then fails naming what it waited for and the last value seen. Never a fixed sleep, never an
/// assertion on elapsed time (after advancing fake time, the due timer still needs a moment of real time to run).
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan DefaultPoll = TimeSpan.FromMilliseconds(10);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; returns the value that satisfied it.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null, TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var limit = timeout ?? DefaultTimeout;
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (waited.Elapsed >= limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}; last value: {value}");
            }
            await Task.Delay(poll ?? DefaultPoll);
        }
    }

    /// <summary>
    /// The same with the deadline first, polling every 50 ms: for probes that ask another process (HTTP, PostgreSQL)
    /// and should not hammer it.
    /// </summary>
    public static Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan deadline, string what) =>
        Until(read, holds, what, deadline, TimeSpan.FromMilliseconds(50));

    /// <summary>Polls <paramref name="condition"/> until it is true.</summary>
    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        Until(condition, holds => holds, what, timeout);

    /// <summary>Polls <paramref name="condition"/> until it is true.</summary>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Until(() => Task.FromResult(condition()), holds => holds, what, timeout);
}
