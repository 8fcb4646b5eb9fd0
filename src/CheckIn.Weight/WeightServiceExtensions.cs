using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CheckIn.Weight;

internal sealed record HealthResponse(string Status);

/// <summary>Adds the Weight service to any app: its own standalone host, or embedded in the check-in host.</summary>
public static class WeightServiceExtensions
{
    /// <summary>Registers the scale, binding and validating (at start) its options from <paramref name="section"/>.</summary>
    public static IServiceCollection AddWeightService(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var sectionPath = section is IConfigurationSection named ? named.Path : WeightServiceApp.SectionName;
        services.AddOptions<WeightServiceOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<WeightServiceOptions>>(new WeightServiceOptionsValidator(sectionPath)));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BagWeights>();
        services.TryAddSingleton<FaultInjector>();
        services.TryAddSingleton<WeightScale>();
        return services;
    }

    /// <summary>
    /// Maps the API under <paramref name="prefix"/> (e.g. <c>/sim/weight</c>; empty when standalone) and returns the
    /// group so a host can add its own conventions (e.g. <c>AllowAnonymous()</c>).
    /// </summary>
    public static RouteGroupBuilder MapWeightService(this IEndpointRouteBuilder endpoints, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<IServiceProviderIsService>() is { } isService
            && !isService.IsService(typeof(WeightScale)))
        {
            throw new InvalidOperationException("Call services.AddWeightService(...) before MapWeightService().");
        }
        var group = endpoints.MapGroup(NormalizePrefix(prefix)).WithTags("Weight");
        group.MapBagWeightApi();
        group.MapFaultsApi();
        group.MapGet("/health", () => TypedResults.Json(new HealthResponse("Healthy"), WeightJson.Options));
        return group;
    }

    private static string NormalizePrefix(string? prefix)
    {
        var trimmed = (prefix ?? "").Trim().TrimEnd('/');
        return trimmed.Length == 0 || trimmed.StartsWith('/') ? trimmed : "/" + trimmed;
    }
}
