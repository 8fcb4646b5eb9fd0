using Microsoft.Extensions.Configuration.Memory;

namespace CheckIn.Payments;

/// <summary>
/// The standalone simulator (<c>dotnet run --project src/CheckIn.Payments -- --urls http://127.0.0.1:5091</c>).
/// Deliberately not a top-level <c>Program</c>: the check-in host references this project and has its own.
/// </summary>
public static class PaymentSimulatorApp
{
    public const string DefaultUrls = "http://127.0.0.1:5091";

    /// <summary>
    /// Lowest-priority settings so a bare <c>dotnet run</c> works against a host on its default port. No
    /// appsettings.json on purpose: it would be copied into the referencing host's output and overwrite the host's own.
    /// </summary>
    private static readonly Dictionary<string, string?> StandaloneDefaults = new()
    {
        ["urls"] = DefaultUrls,
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        [$"{PaymentSimulatorOptions.SectionName}:WebhookUrl"] = "http://localhost:5080/api/payments/webhook",
        [$"{PaymentSimulatorOptions.SectionName}:WebhookSecret"] = "dev-only-payment-webhook-secret-change-me",
    };

    /// <summary>Builds the app; <paramref name="configure"/> runs after the simulator is added (tests swap time or config).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = StandaloneDefaults });
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? DefaultUrls);
        builder.Services.AddPaymentSimulator(builder.Configuration.GetSection(PaymentSimulatorOptions.SectionName));
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapPaymentSimulator();
        return app;
    }

    public static async Task Main(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
    }
}
