namespace CheckIn.Payments;

/// <summary>Endpoint metadata carrying the prefix the simulator was mapped under.</summary>
internal sealed record SimulatorRoute(string Prefix);

/// <summary>Builds URLs relative to wherever the simulator is mounted (path base + prefix).</summary>
internal static class Links
{
    public static string Root(HttpContext context) =>
        context.Request.PathBase.Value + (context.GetEndpoint()?.Metadata.GetMetadata<SimulatorRoute>()?.Prefix ?? "");

    public static string Intent(HttpContext context, string id) => $"{Root(context)}/api/intents/{id}";

    public static string PayPage(HttpContext context, string id) => $"{Root(context)}/pay/{id}";

    public static string PublicPayUrl(HttpContext context, PaymentSimulatorOptions options, string id) =>
        string.IsNullOrWhiteSpace(options.PublicBaseUrl) ? PayPage(context, id) : $"{options.PublicBaseUrl.TrimEnd('/')}/pay/{id}";
}
