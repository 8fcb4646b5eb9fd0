using System.Net;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CheckIn.Api.Tests;

/// <summary>
/// Which hosts serve the unauthenticated simulators under <c>/sim</c>: the embedded one by default, none that is told
/// otherwise, and none left without a way to weigh bags and take payments (durable mode: tests/CheckIn.Durable.Tests).
/// </summary>
public sealed class SimulatorExposureTests
{
    [Fact]
    public async Task The_embedded_host_serves_both_simulators_by_default()
    {
        await using var factory = new CheckInApiFactory();
        using var client = factory.CreateClient();

        using var weight = await client.GetAsync(new Uri("/sim/weight/health", UriKind.Relative));
        using var payments = await client.GetAsync(new Uri("/sim/payments/health", UriKind.Relative));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (weight.StatusCode, payments.StatusCode));
    }

    [Fact]
    public async Task An_embedded_host_with_the_simulators_off_and_its_services_configured_does_not_serve_them()
    {
        await using var factory = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("CheckIn:Simulators:Enabled", "false");
            builder.UseSetting("CheckIn:Weight:BaseUrl", "http://127.0.0.1:9/weight");
            builder.UseSetting("CheckIn:Payments:BaseUrl", "http://127.0.0.1:9/payments");
        });
        using var client = factory.CreateClient();

        using var weight = await client.GetAsync(new Uri("/sim/weight/health", UriKind.Relative));
        using var intents = await client.GetAsync(new Uri("/sim/payments/api/intents", UriKind.Relative));

        await ProblemAssert.IsProblemAsync(weight, 404, "NOT_FOUND");
        await ProblemAssert.IsProblemAsync(intents, 404, "NOT_FOUND");
    }

    [Theory]
    [InlineData("", "", "CheckIn:Weight:BaseUrl (CheckIn__Weight__BaseUrl) and CheckIn:Payments:BaseUrl (CheckIn__Payments__BaseUrl)")]
    [InlineData("http://scale.test", "", "CheckIn:Payments:BaseUrl (CheckIn__Payments__BaseUrl), or")]
    public void Simulators_off_without_a_service_url_stop_start_up_naming_the_settings(string weight, string payments, string named)
    {
        var settings = IntegrationContainer.Settings(weight.Length > 0 ? new Uri(weight) : null, payments.Length > 0 ? new Uri(payments) : null);
        settings["CheckIn:Simulators:Enabled"] = "false";
        using var services = IntegrationContainer.Build(settings);

        var failure = Assert.ThrowsAny<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("CheckIn:Simulators:Enabled is false: set " + named, failure.Message, StringComparison.Ordinal);
        Assert.Contains("CheckIn__Simulators__Enabled", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', failure.Message);
    }

    [Fact]
    public void A_simulator_setting_that_is_not_a_boolean_stops_start_up_naming_it()
    {
        var settings = IntegrationContainer.Settings(weight: null, payments: null);
        settings["CheckIn:Simulators:Enabled"] = "yes";
        using var services = IntegrationContainer.Build(settings);

        var failure = Assert.ThrowsAny<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("CheckIn:Simulators:Enabled (CheckIn__Simulators__Enabled) must be true or false; got 'yes'.", failure.Message, StringComparison.Ordinal);
    }
}
