namespace CheckIn.Weight;

internal sealed record BagReading(string BagTag, decimal WeightKg, DateTimeOffset MeasuredAt);

internal enum WeighStatus
{
    Weighed,
    NotFound,
    Faulted,
}

internal readonly record struct WeighOutcome(WeighStatus Status, BagReading? Reading = null, int FaultStatusCode = 0);

/// <summary>The simulated scale: applies the injected faults, then reads the bag's weight.</summary>
internal sealed partial class WeightScale(BagWeights weights, FaultInjector faults, TimeProvider time, ILogger<WeightScale> logger)
{
    public async Task<WeighOutcome> WeighAsync(string tag, CancellationToken cancellationToken)
    {
        var settings = faults.Current;
        if (settings.LatencyMs > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(settings.LatencyMs), time, cancellationToken);
        }
        if (faults.ShouldFail(settings))
        {
            LogInjectedFailure(logger, tag, settings.FailureStatusCode);
            return new WeighOutcome(WeighStatus.Faulted, FaultStatusCode: settings.FailureStatusCode);
        }
        if (weights.Find(tag) is not { } weight)
        {
            LogUnknownBag(logger, tag);
            return new WeighOutcome(WeighStatus.NotFound);
        }
        LogWeighed(logger, tag, weight.Kg, weight.Source, settings.LatencyMs);
        return new WeighOutcome(WeighStatus.Weighed, new BagReading(tag, weight.Kg, time.GetUtcNow()));
    }

    public BagReading Set(string tag, decimal kg)
    {
        weights.Set(tag, kg);
        LogWeightSet(logger, tag, kg);
        return new BagReading(tag, kg, time.GetUtcNow());
    }

    public void Forget(string tag)
    {
        if (weights.Forget(tag))
        {
            LogWeightForgotten(logger, tag);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Weighed bag {BagTag}: {WeightKg} kg ({Source}) after {LatencyMs} ms")]
    private static partial void LogWeighed(ILogger logger, string bagTag, decimal weightKg, WeightSource source, int latencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Bag {BagTag} is not known to the scale")]
    private static partial void LogUnknownBag(ILogger logger, string bagTag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Injected scale failure for bag {BagTag}: answering {StatusCode}")]
    private static partial void LogInjectedFailure(ILogger logger, string bagTag, int statusCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Weight of bag {BagTag} set to {WeightKg} kg")]
    private static partial void LogWeightSet(ILogger logger, string bagTag, decimal weightKg);

    [LoggerMessage(Level = LogLevel.Information, Message = "Runtime weight of bag {BagTag} forgotten")]
    private static partial void LogWeightForgotten(ILogger logger, string bagTag);
}
