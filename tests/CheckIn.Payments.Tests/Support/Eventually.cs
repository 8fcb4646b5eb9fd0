namespace CheckIn.Payments.Tests.Support;

/// <summary>Bounded polling for background effects; never a fixed sleep, never an assertion on elapsed time.</summary>
internal static class Eventually
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static Task TrueAsync(Func<bool> condition, string what) => TrueAsync(() => Task.FromResult(condition()), what);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Limit);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {Limit.TotalSeconds:0} s waiting for: {what}");
            }
            await Task.Delay(10);
        }
    }
}
