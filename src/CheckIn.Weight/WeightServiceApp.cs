namespace CheckIn.Weight;

/// <summary>
/// The standalone Weight service. Deliberately not a top-level <c>Program</c>: the check-in host references this
/// project and has its own <c>Program</c>.
/// </summary>
public static class WeightServiceApp
{
    public const string SectionName = "WeightService";

    /// <summary>Builds the app; <paramref name="configure"/> runs before the service is added (tests swap time or config).</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.Services.AddWeightService(builder.Configuration.GetSection(SectionName));
        var app = builder.Build();
        app.MapWeightService();
        return app;
    }

    public static async Task Main(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
    }
}
