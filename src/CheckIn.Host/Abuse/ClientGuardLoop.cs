namespace CheckIn.Host.Abuse;

/// <summary>
/// The front's background work: every 250 ms it reports spent and refused attempts to their guard grains (and forgets
/// idle clients); every 500 ms it polls the cluster's block list, so a block applies on every silo within a second.
/// Both run on real time (like Orleans's own background loops), the decisions on the injected clock.
/// </summary>
internal sealed partial class ClientGuardLoop(ClientGuard guard, ILogger<ClientGuardLoop> logger) : BackgroundService
{
    public static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan PollBlocksEvery = TimeSpan.FromMilliseconds(500);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => guard.Enabled
        ? Task.WhenAll(RunAsync(ReportEvery, guard.ReportAsync, "report", stoppingToken), RunAsync(PollBlocksEvery, _ => guard.PollBlocksAsync(), "block list", stoppingToken))
        : Task.CompletedTask;

    private async Task RunAsync(TimeSpan period, Func<CancellationToken, Task> work, string what, CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, TimeProvider.System);
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await work(stoppingToken);
                    failing = false;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Once per streak of failures: a silo that is starting or stopping fails every tick.
                    if (!failing)
                    {
                        LogLoopFailed(logger, what, ex.GetType().Name, ex.Message);
                    }
                    failing = true;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Abuse protection's {Work} loop failed ({Error}: {Detail}); it retries on its next tick.")]
    private static partial void LogLoopFailed(ILogger logger, string work, string error, string detail);
}
