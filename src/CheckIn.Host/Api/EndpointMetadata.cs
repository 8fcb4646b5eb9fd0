namespace CheckIn.Host.Api;

/// <summary>Declares the problem statuses an endpoint (or every endpoint of a group) may answer, so swagger.json lists them.</summary>
internal static class EndpointMetadata
{
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder endpoint, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            endpoint.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        }
        return endpoint;
    }
}
