using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CheckIn.Api.Tests;

/// <summary>
/// <c>/health/ready</c> reports every check as JSON, never cached; a Weight service or payment provider that does not
/// answer makes the host Degraded (still 200, still in the load balancer), not Unhealthy.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReadinessTests(ApiFixture fixture)
{
    [Fact]
    public async Task Ready_answers_json_per_check_and_is_never_cached()
    {
        using var response = await fixture.Api.GetAsync("/health/ready");

        await CheckInApi.EnsureStatusAsync(response, 200);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);
        var body = await CheckInApi.ReadJsonAsync(response);
        Assert.True(body.GetProperty("totalDurationMs").GetDouble() >= 0);
        var checks = body.GetProperty("checks");
        Assert.Equal(["payment-provider", "silo", "weight-service"], checks.EnumerateObject().Select(c => c.Name).Order(StringComparer.Ordinal));
        var silo = checks.GetProperty("silo");
        Assert.Equal("Healthy", silo.GetProperty("status").GetString());
        Assert.StartsWith("silo ", silo.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(silo.GetProperty("durationMs").GetDouble() >= 0);
        // The test server listens on no socket, so the in-process simulators cannot be called over HTTP: Degraded.
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        Assert.Equal("Degraded", checks.GetProperty("weight-service").GetProperty("status").GetString());
        Assert.Contains("/sim/weight", checks.GetProperty("weight-service").GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_weight_service_that_stops_answering_makes_the_host_degraded_not_unready_and_its_return_healthy()
    {
        await using var weight = await IntegrationRemoteService.StartWeightAsync(new Dictionary<string, string?>());
        await using var payments = await IntegrationRemoteService.StartPaymentsAsync();
        await using var host = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            foreach (var (key, value) in IntegrationContainer.Settings(weight.BaseUrl, payments.BaseUrl, attemptTimeout: TimeSpan.FromSeconds(1)))
            {
                builder.UseSetting(key, value);
            }
        });
        var api = new CheckInApi(host.CreateContractCheckedClient());

        var healthy = await ReadyAsync(api, 200);
        Assert.Equal("Healthy", healthy.GetProperty("status").GetString());
        Assert.All(healthy.GetProperty("checks").EnumerateObject(), c => Assert.Equal("Healthy", c.Value.GetProperty("status").GetString()));

        await weight.StopAsync();
        var degraded = await ReadyAsync(api, 200);

        Assert.Equal("Degraded", degraded.GetProperty("status").GetString());
        var checks = degraded.GetProperty("checks");
        Assert.Equal("Degraded", checks.GetProperty("weight-service").GetProperty("status").GetString());
        var why = checks.GetProperty("weight-service").GetProperty("description").GetString()!;
        Assert.Contains("CheckIn:Weight:BaseUrl", why, StringComparison.Ordinal);
        Assert.Contains("unreachable", why, StringComparison.Ordinal);
        Assert.Equal("Healthy", checks.GetProperty("payment-provider").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("silo").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_payment_provider_that_answers_an_error_makes_the_host_degraded_with_the_status_it_answered()
    {
        await using var weight = await IntegrationRemoteService.StartWeightAsync(new Dictionary<string, string?>());
        await using var host = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            // The Weight service answers 404 under /missing/: a wrong payment BaseUrl looks like a provider in trouble.
            foreach (var (key, value) in IntegrationContainer.Settings(weight.BaseUrl, new Uri(weight.BaseUrl, "missing/")))
            {
                builder.UseSetting(key, value);
            }
        });
        var api = new CheckInApi(host.CreateContractCheckedClient());

        var degraded = await ReadyAsync(api, 200);

        Assert.Equal("Degraded", degraded.GetProperty("status").GetString());
        var payment = degraded.GetProperty("checks").GetProperty("payment-provider");
        Assert.Equal("Degraded", payment.GetProperty("status").GetString());
        Assert.Contains("answered 404", payment.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> ReadyAsync(CheckInApi api, int status)
    {
        using var response = await api.GetAsync("/health/ready");
        await CheckInApi.EnsureStatusAsync(response, status);
        return await CheckInApi.ReadJsonAsync(response);
    }
}
