using Microsoft.Extensions.Options;

namespace CheckIn.Weight;

/// <summary>The current fault settings (swapped whole, so readers never see half an update) and the dice.</summary>
internal sealed partial class FaultInjector
{
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly ILogger<FaultInjector> _logger;
    private FaultSettings _current;

    public FaultInjector(IOptions<WeightServiceOptions> options, ILogger<FaultInjector> logger)
    {
        Defaults = FaultSettings.From(options.Value);
        _current = Defaults;
        _random = options.Value.RandomSeed is { } seed ? new Random(seed) : new Random();
        _logger = logger;
    }

    public FaultSettings Defaults { get; }

    public FaultSettings Current => Volatile.Read(ref _current);

    public void Set(FaultSettings settings)
    {
        Volatile.Write(ref _current, settings);
        LogFaultsChanged(_logger, settings.LatencyMs, settings.FailureRate, settings.FailureStatusCode);
    }

    public void Reset() => Set(Defaults);

    /// <summary>Rolls the dice only when failures are on, so a seeded run is reproducible from the first failing call.</summary>
    public bool ShouldFail(FaultSettings settings)
    {
        if (settings.FailureRate <= 0d)
        {
            return false;
        }
        lock (_randomLock)
        {
            return _random.NextDouble() < settings.FailureRate;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Weight scale faults set: latency {LatencyMs} ms, failure rate {FailureRate}, failure status {FailureStatusCode}")]
    private static partial void LogFaultsChanged(ILogger logger, int latencyMs, double failureRate, int failureStatusCode);
}
