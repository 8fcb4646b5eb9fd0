using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CheckIn.Weight.Tests;

public sealed class OptionsTests
{
    [Theory]
    [InlineData("WeightService:LatencyMs", "-5", "WeightService:LatencyMs")]
    [InlineData("WeightService:LatencyMs", "60001", "WeightService:LatencyMs")]
    [InlineData("WeightService:FailureRate", "1.5", "WeightService:FailureRate")]
    [InlineData("WeightService:FailureStatusCode", "404", "WeightService:FailureStatusCode")]
    [InlineData("WeightService:Bags:BAD-TAG", "20", "WeightService:Bags:BAD-TAG")]
    [InlineData("WeightService:Bags:HEAVY01", "0", "WeightService:Bags:HEAVY01")]
    [InlineData("WeightService:Bags:HEAVY01", "28.55", "WeightService:Bags:HEAVY01")]
    [InlineData("WeightService:Bags:HEAVY01", "heavy", "WeightService:Bags:HEAVY01")]
    [InlineData("WeightService:Bags:HEAVY01", "2,5", "WeightService:Bags:HEAVY01")]
    public async Task Bad_configured_values_stop_the_start_naming_the_key(string key, string value, string named)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => WeightTestApp.StartAsync(
            new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("WeightService:UnknownTags", "Maybe")]
    [InlineData("WeightService:LatencyMs", "soon")]
    public async Task Unreadable_configured_values_stop_the_start_naming_the_key(string key, string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => WeightTestApp.StartAsync(
            new Dictionary<string, string?> { [key] = value }));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_system_clock_is_registered_only_when_the_host_has_none()
    {
        var config = new ConfigurationBuilder().Build();
        var bare = new ServiceCollection().AddWeightService(config.GetSection("WeightService"));
        var hosted = new ServiceCollection().AddSingleton<TimeProvider>(new FakeClock()).AddWeightService(config.GetSection("WeightService"));

        using var bareProvider = bare.BuildServiceProvider();
        using var hostedProvider = hosted.BuildServiceProvider();

        Assert.Same(TimeProvider.System, bareProvider.GetRequiredService<TimeProvider>());
        Assert.IsType<FakeClock>(hostedProvider.GetRequiredService<TimeProvider>());
        Assert.Single(hosted, d => d.ServiceType == typeof(TimeProvider));
    }

    [Fact]
    public void Mapping_without_adding_the_service_fails_with_a_clear_message()
    {
        var builder = WebApplication.CreateBuilder();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapWeightService("/sim/weight"));

        Assert.Contains("AddWeightService", error.Message, StringComparison.Ordinal);
    }

    private sealed class FakeClock : TimeProvider;
}
