using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CheckIn.Weight.Tests;

public sealed class StandaloneKestrelTests
{
    [Fact]
    public async Task The_standalone_app_serves_on_a_real_socket()
    {
        await using var app = WeightServiceApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WeightService:Bags:REAL01"] = "12.3" });
        });
        await app.StartAsync();
        var address = new Uri(Assert.Single(app.Urls));
        Assert.NotEqual(0, address.Port);

        using var client = new HttpClient { BaseAddress = address };
        var weight = await Http.AssertOkJsonAsync(await client.GetAsync("/api/bags/real01/weight"));
        var health = await Http.AssertOkJsonAsync(await client.GetAsync("/health"));

        Assert.Equal("REAL01", weight.GetProperty("bagTag").GetString());
        Assert.Equal(12.3m, weight.GetProperty("weightKg").GetDecimal());
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        await app.StopAsync();
    }
}
