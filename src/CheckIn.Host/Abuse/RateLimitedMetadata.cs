using CheckIn.Contracts.Abuse;
using CheckIn.Host.Api;

namespace CheckIn.Host.Abuse;

/// <summary>
/// Marks an endpoint whose every request counts as one <see cref="LimitedAction"/> of its client (seat-map reads, seat
/// commands, sign-ins). The abuse middleware limits exactly the endpoints that carry it; no path matching.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = false)]
public sealed class RateLimitedAttribute(LimitedAction action) : Attribute
{
    public LimitedAction Action { get; } = action;
}

internal static class RateLimitedEndpoints
{
    /// <summary>Counts every request of the endpoint as <paramref name="action"/>.</summary>
    public static TBuilder RateLimited<TBuilder>(this TBuilder endpoint, LimitedAction action)
        where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new RateLimitedAttribute(action));
}
