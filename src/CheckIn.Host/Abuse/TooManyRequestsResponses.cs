using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace CheckIn.Host.Abuse;

/// <summary>
/// Every <c>/api</c> operation but the payment webhook may answer 429 (CLIENT_BLOCKED everywhere, RATE_LIMITED on
/// the limited ones): swagger.json says so without each endpoint repeating it.
/// </summary>
internal sealed class TooManyRequestsResponses : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var path = "/" + (context.ApiDescription.RelativePath ?? "").TrimStart('/');
        if (!path.StartsWith(AbuseMiddleware.ApiPrefix + "/", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith(AbuseMiddleware.WebhookPath, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        operation.Responses ??= [];
        operation.Responses["429"] = new OpenApiResponse
        {
            Description = "Too Many Requests",
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/problem+json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(typeof(ProblemDetails), context.SchemaRepository) },
            },
        };
    }
}
