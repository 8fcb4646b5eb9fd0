using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CheckIn.Payments;

internal sealed record HealthResponse(string Status);

/// <summary>Adds the payment simulator to any app: its own standalone host, or embedded in the check-in host.</summary>
public static class PaymentSimulatorExtensions
{
    /// <summary>
    /// Registers the intent ledger, the webhook queue and its sender, binding and validating (at start) the options
    /// from <paramref name="section"/>. An embedding host that leaves <c>WebhookUrl</c> empty sets
    /// <see cref="PaymentSimulatorOptions.WebhookUrlResolver"/>, e.g. with <c>services.PostConfigure</c>.
    /// </summary>
    public static IServiceCollection AddPaymentSimulator(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var sectionPath = section is IConfigurationSection named ? named.Path : PaymentSimulatorOptions.SectionName;
        services.AddOptions<PaymentSimulatorOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PaymentSimulatorOptions>>(
            new PaymentSimulatorOptionsValidator(sectionPath)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WebhookDispatcher>();
        services.TryAddSingleton<IntentLedger>();
        services.AddHttpClient(WebhookDeliveryService.HttpClientName, client => client.Timeout = WebhookDeliveryService.Timeout);
        services.AddHostedService<WebhookDeliveryService>();
        return services;
    }

    /// <summary>
    /// Maps the API, the pay page and <c>/health</c> under <paramref name="prefix"/> (e.g. <c>/sim/payments</c>; empty
    /// when standalone) and returns the group so a host can add its own conventions (e.g. <c>AllowAnonymous()</c>).
    /// </summary>
    public static RouteGroupBuilder MapPaymentSimulator(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } isService
            && !isService.IsService(typeof(IntentLedger)))
        {
            throw new InvalidOperationException("Call services.AddPaymentSimulator(...) before MapPaymentSimulator().");
        }
        var normalized = NormalizePrefix(prefix);
        var group = endpoints.MapGroup(normalized).WithTags("Payment simulator").WithMetadata(new SimulatorRoute(normalized));
        group.MapIntentsApi();
        group.MapWebhooksApi();
        group.MapPayPage();
        group.MapGet("/health", () => TypedResults.Json(new HealthResponse("Healthy"), PaymentJson.Options));
        return group;
    }

    private static string NormalizePrefix(string? prefix)
    {
        var trimmed = (prefix ?? "").Trim().TrimEnd('/');
        return trimmed.Length == 0 || trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }
}
