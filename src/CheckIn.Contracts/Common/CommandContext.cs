namespace CheckIn.Contracts.Common;

/// <summary>Who asked for a change, and why: carried into every audit record.</summary>
/// <param name="Actor">"passenger:ABC123-1", "admin", "system:expiry" …</param>
/// <param name="Reason">A short human reason ("passenger request", "hold expired").</param>
/// <param name="CorrelationId">The request's trace or correlation id.</param>
[GenerateSerializer, Immutable, Alias("checkin.CommandContext")]
public sealed record CommandContext(
    [property: Id(0)] string Actor,
    [property: Id(1)] string Reason,
    [property: Id(2)] string CorrelationId)
{
    /// <summary>The context of a change the system makes by itself.</summary>
    public static CommandContext System(string reason) => new("system", reason, Guid.NewGuid().ToString("N"));
}
