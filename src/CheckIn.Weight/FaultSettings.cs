namespace CheckIn.Weight;

/// <summary>Fault injection for the GET weight endpoint: a delay on every weighing and a random failure rate.</summary>
internal sealed record FaultSettings(int LatencyMs, double FailureRate, int FailureStatusCode)
{
    public const int MaxLatencyMs = 60_000;

    public static FaultSettings From(WeightServiceOptions options) =>
        new(options.LatencyMs, options.FailureRate, options.FailureStatusCode);

    /// <summary>The first invalid field (camelCase, as on the wire) and what it must be, or null when all are valid.</summary>
    public static (string Field, string Reason)? Check(int latencyMs, double failureRate, int failureStatusCode)
    {
        if (latencyMs is < 0 or > MaxLatencyMs)
        {
            return ("latencyMs", $"must be between 0 and {MaxLatencyMs} (was {latencyMs}).");
        }
        if (!(failureRate is >= 0d and <= 1d))
        {
            return ("failureRate", $"must be between 0 and 1 (was {failureRate}).");
        }
        if (failureStatusCode is < 500 or > 599)
        {
            return ("failureStatusCode", $"must be between 500 and 599 (was {failureStatusCode}).");
        }
        return null;
    }
}
