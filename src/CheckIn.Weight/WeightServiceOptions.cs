namespace CheckIn.Weight;

/// <summary>What to answer for a tag that has neither a runtime nor a configured weight.</summary>
internal enum UnknownTagPolicy
{
    /// <summary>Derive a stable weight from the tag, so any demo tag gets an answer.</summary>
    Derive,

    /// <summary>Answer 404 <c>BAG_NOT_FOUND</c>.</summary>
    NotFound,
}

/// <summary>The <c>WeightService</c> configuration section.</summary>
internal sealed class WeightServiceOptions
{
    public int LatencyMs { get; set; }

    public double FailureRate { get; set; }

    public int FailureStatusCode { get; set; } = 503;

    public int? RandomSeed { get; set; }

    public UnknownTagPolicy UnknownTags { get; set; } = UnknownTagPolicy.Derive;

    /// <summary>
    /// Fixed weights by bag tag, e.g. <c>WeightService__Bags__HEAVY01=28.5</c>. Kept as text because the binder
    /// silently drops dictionary values it cannot convert; <see cref="WeightRules.TryParse"/> reports them instead.
    /// </summary>
    public Dictionary<string, string> Bags { get; set; } = [];
}
