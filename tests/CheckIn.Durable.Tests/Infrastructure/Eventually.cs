using System.Diagnostics;

namespace CheckIn.Durable.Tests.Infrastructure;

/// <summary>Waiting for a condition with a deadline (never a fixed sleep): asks again until it holds or time is up.</summary>
internal static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan deadline, string what)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (holds(value))
            {
                return value;
            }
            if (waited.Elapsed > deadline)
            {
                throw new TimeoutException($"Waited {deadline.TotalSeconds} s for {what}; last seen: {value}");
            }
            await Task.Delay(PollInterval);
        }
    }
}
