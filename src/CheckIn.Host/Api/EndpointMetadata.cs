namespace CheckIn.Host.Api;

/// <summary>Declares the problem statuses an endpoint may answer, so swagger.json lists them.</summary>
internal static class EndpointMetadata
{
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder endpoint, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            endpoint.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        }
        return endpoint;
    }
}
