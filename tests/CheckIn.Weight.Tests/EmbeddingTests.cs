using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Weight.Tests;

/// <summary>The check-in host's way of using the service: mounted under a prefix, with its own global JSON options.</summary>
public sealed class EmbeddingTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 8, 0, 0, TimeSpan.Zero);

    internal sealed record HostProbe(DayOfWeek FirstDay, string BagTag);

    private static async Task<WebApplication> StartHostAsync(string prefix)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["WeightService:UnknownTags"] = "NotFound",
            ["WeightService:Bags:HEAVY01"] = "28.5",
        });
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper));
        });
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Start));
        builder.Services.AddWeightService(builder.Configuration.GetSection("WeightService"));
        var app = builder.Build();
        app.MapGet("/host/probe", () => TypedResults.Ok(new HostProbe(DayOfWeek.Monday, "X")));
        app.MapWeightService(prefix);
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task The_api_under_a_prefix_keeps_its_own_json_shape()
    {
        await using var app = await StartHostAsync("/sim/weight");
        using var client = app.GetTestClient();

        // Control: the host's own endpoints really use the snake-case options.
        var probe = await Http.AssertOkJsonAsync(await client.GetAsync("/host/probe"));
        Assert.Equal(["first_day", "bag_tag"], Http.PropertyNames(probe));
        Assert.Equal("MONDAY", probe.GetProperty("first_day").GetString());

        var weight = await Http.AssertOkJsonAsync(await client.GetAsync("/sim/weight/api/bags/heavy01/weight"));
        Assert.Equal(["bagTag", "weightKg", "unit", "measuredAt"], Http.PropertyNames(weight));
        Assert.Equal("HEAVY01", weight.GetProperty("bagTag").GetString());
        Assert.Equal(28.5m, weight.GetProperty("weightKg").GetDecimal());
        Assert.Equal(Start, weight.GetProperty("measuredAt").GetDateTimeOffset());

        var problem = await Http.AssertProblemAsync(await client.GetAsync("/sim/weight/api/bags/UNKNOWN1/weight"), 404, "BAG_NOT_FOUND", "bagTag");
        Assert.Equal(["type", "title", "status", "detail", "code", "field", "errors"], Http.PropertyNames(problem));

        await Http.AssertProblemAsync(await client.PutAsync("/sim/weight/api/bags/HEAVY01/weight", Http.Json("""{ "weight_kg": 30.0 }""")),
            400, "INVALID_WEIGHT", "weightKg");

        var faults = await Http.AssertOkJsonAsync(await client.PutAsync("/sim/weight/api/faults",
            Http.Json("""{ "failureRate": 1, "failureStatusCode": 502 }""")));
        Assert.Equal(["latencyMs", "failureRate", "failureStatusCode"], Http.PropertyNames(faults));
        await Http.AssertProblemAsync(await client.GetAsync("/sim/weight/api/bags/HEAVY01/weight"), 502, "WEIGHT_SCALE_FAULT", "bagTag");

        var health = await Http.AssertOkJsonAsync(await client.GetAsync("/sim/weight/health"));
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Nothing_is_mapped_outside_the_prefix()
    {
        await using var app = await StartHostAsync("sim/weight/");
        using var client = app.GetTestClient();

        await Http.AssertOkJsonAsync(await client.GetAsync("/sim/weight/api/bags/HEAVY01/weight"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/bags/HEAVY01/weight")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/health")).StatusCode);
    }
}
