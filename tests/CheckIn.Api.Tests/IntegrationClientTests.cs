using System.Text;
using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Grains.CheckIns;
using CheckIn.Host.Integrations;
using CheckIn.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Api.Tests;

/// <summary>
/// The host's HTTP clients against the real Weight service and payment simulator on Kestrel, the webhook verifier,
/// the options validation, and the in-process wiring under <c>/sim</c>.
/// </summary>
public sealed class IntegrationClientTests
{
    private static readonly Dictionary<string, string?> ScaleSettings = new()
    {
        ["WeightService:UnknownTags"] = "NotFound",
        ["WeightService:Bags:HEAVY01"] = "28.5",
    };

    [Fact]
    public async Task A_known_bag_is_weighed_and_an_unknown_one_is_reported_unknown()
    {
        await using var scale = await IntegrationRemoteService.StartWeightAsync(ScaleSettings);
        await using var services = IntegrationContainer.Build(IntegrationContainer.Settings(scale.BaseUrl, payments: null));
        var bags = services.GetRequiredService<IBagScale>();

        Assert.Equal(BagWeighing.Weighed(28.5m), await bags.WeighAsync("HEAVY01"));
        Assert.Equal(BagWeighing.UnknownTag(), await bags.WeighAsync("NOSUCH01"));
        Assert.Equal(BagWeighing.UnknownTag(), await bags.WeighAsync("not a tag/../x"));
    }

    [Fact]
    public async Task A_failing_scale_answers_not_available()
    {
        await using var scale = await IntegrationRemoteService.StartWeightAsync(ScaleSettings);
        await using var services = IntegrationContainer.Build(IntegrationContainer.Settings(scale.BaseUrl, payments: null));
        await scale.SetFaultsAsync(latencyMs: 0, failureRate: 1.0);

        var answer = await services.GetRequiredService<IBagScale>().WeighAsync("HEAVY01");

        Assert.True(answer.Unavailable);
        Assert.NotNull(answer.RetryAfter);
        Assert.Equal(2, scale.Weighings); // the first attempt and one retry
    }

    [Fact]
    public async Task A_scale_slower_than_the_attempt_timeout_answers_not_available()
    {
        await using var scale = await IntegrationRemoteService.StartWeightAsync(ScaleSettings);
        var settings = IntegrationContainer.Settings(scale.BaseUrl, payments: null, attemptTimeout: TimeSpan.FromMilliseconds(300));
        await using var services = IntegrationContainer.Build(settings);
        await scale.SetFaultsAsync(latencyMs: 30_000, failureRate: 0);

        var answer = await services.GetRequiredService<IBagScale>().WeighAsync("HEAVY01");

        Assert.True(answer.Unavailable);
        Assert.Null(answer.WeightKg);
    }

    [Fact]
    public async Task After_repeated_failures_the_circuit_opens_and_calls_no_longer_reach_the_scale()
    {
        await using var scale = await IntegrationRemoteService.StartWeightAsync(ScaleSettings);
        await using var services = IntegrationContainer.Build(
            IntegrationContainer.Settings(scale.BaseUrl, payments: null, circuitMinimumThroughput: 2));
        var bags = services.GetRequiredService<IBagScale>();
        await scale.SetFaultsAsync(latencyMs: 0, failureRate: 1.0);

        Assert.True((await bags.WeighAsync("HEAVY01")).Unavailable);
        var reached = scale.Weighings;
        await scale.SetFaultsAsync(latencyMs: 0, failureRate: 0); // healthy again, but the circuit is open for 5 minutes
        var whileOpen = await bags.WeighAsync("HEAVY01");

        Assert.Equal(2, reached);
        Assert.True(whileOpen.Unavailable);
        Assert.InRange(whileOpen.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));
        Assert.Equal(reached, scale.Weighings);
    }

    [Fact]
    public async Task A_stopped_scale_answers_not_available()
    {
        var scale = await IntegrationRemoteService.StartWeightAsync(ScaleSettings);
        var url = scale.BaseUrl;
        await scale.DisposeAsync();
        await using var services = IntegrationContainer.Build(IntegrationContainer.Settings(url, payments: null));

        Assert.True((await services.GetRequiredService<IBagScale>().WeighAsync("HEAVY01")).Unavailable);
    }

    [Fact]
    public async Task The_callers_cancellation_propagates()
    {
        await using var scale = await IntegrationRemoteService.StartWeightAsync(ScaleSettings);
        await using var services = IntegrationContainer.Build(IntegrationContainer.Settings(scale.BaseUrl, payments: null));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => services.GetRequiredService<IBagScale>().WeighAsync("HEAVY01", cancelled.Token));
    }

    [Fact]
    public async Task An_intent_is_created_once_per_idempotency_key_and_cancelled()
    {
        await using var provider = await IntegrationRemoteService.StartPaymentsAsync();
        await using var services = IntegrationContainer.Build(IntegrationContainer.Settings(weight: null, provider.BaseUrl));
        var payments = services.GetRequiredService<IPaymentGateway>();
        var request = new PaymentRequest(45.00m, "EUR", "PNR1-BAG1", "Overweight bag", $"fee-{Guid.NewGuid():N}");

        var created = await payments.CreateIntentAsync(request);
        var repeated = await payments.CreateIntentAsync(request);

        Assert.False(created.Unavailable);
        Assert.StartsWith("pi_", created.IntentId);
        Assert.Equal(new Uri(provider.BaseUrl, $"pay/{created.IntentId}").ToString(), created.PayUrl);
        Assert.Equal(created.IntentId, repeated.IntentId);
        Assert.Equal(IntentCancellation.Canceled, await payments.CancelIntentAsync(created.IntentId!));
        // Cancelling a cancelled intent repeats the transition that finalized it: the provider answers 200 again.
        Assert.Equal(IntentCancellation.Canceled, await payments.CancelIntentAsync(created.IntentId!));
    }

    [Fact]
    public async Task A_paid_or_unknown_intent_cannot_be_cancelled()
    {
        await using var provider = await IntegrationRemoteService.StartPaymentsAsync();
        await using var services = IntegrationContainer.Build(IntegrationContainer.Settings(weight: null, provider.BaseUrl));
        var payments = services.GetRequiredService<IPaymentGateway>();
        var paid = await payments.CreateIntentAsync(new PaymentRequest(20m, "", "PNR2-BAG1", "Overweight bag", $"fee-{Guid.NewGuid():N}"));
        await provider.PostAsync($"api/intents/{paid.IntentId}/pay");

        Assert.Equal(IntentCancellation.AlreadyFinal, await payments.CancelIntentAsync(paid.IntentId!));
        Assert.Equal(IntentCancellation.AlreadyFinal, await payments.CancelIntentAsync("pi_unknown"));
    }

    [Fact]
    public async Task A_request_the_provider_refuses_or_a_stopped_provider_answers_unavailable()
    {
        var provider = await IntegrationRemoteService.StartPaymentsAsync();
        await using var services = IntegrationContainer.Build(IntegrationContainer.Settings(weight: null, provider.BaseUrl));
        var payments = services.GetRequiredService<IPaymentGateway>();

        var refused = await payments.CreateIntentAsync(new PaymentRequest(0m, "EUR", "PNR3-BAG1", "Nothing to pay", "fee-zero"));
        await provider.DisposeAsync();
        var stopped = await payments.CreateIntentAsync(new PaymentRequest(10m, "EUR", "PNR3-BAG1", "Overweight bag", "fee-ten"));

        Assert.True(refused.Unavailable);
        Assert.Null(refused.IntentId);
        Assert.True(stopped.Unavailable);
        Assert.Equal(IntentCancellation.Unavailable, await payments.CancelIntentAsync("pi_any"));
    }

    [Fact]
    public async Task Without_a_listening_host_the_in_process_services_are_unavailable()
    {
        await using var services = IntegrationContainer.Build(IntegrationContainer.Settings(weight: null, payments: null));

        Assert.True((await services.GetRequiredService<IBagScale>().WeighAsync("HEAVY01")).Unavailable);
        Assert.True((await services.GetRequiredService<IPaymentGateway>().CreateIntentAsync(
            new PaymentRequest(10m, "EUR", "R", "D", "fee-1"))).Unavailable);
    }

    [Fact]
    public void The_verifier_accepts_a_signed_event_and_rejects_forgeries_stale_and_malformed_bodies()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2030, 5, 1, 8, 0, 0, TimeSpan.Zero));
        using var services = IntegrationContainer.Build(IntegrationContainer.Settings(new Uri("http://scale.test"), new Uri("http://pay.test")),
            s => s.AddSingleton<TimeProvider>(clock));
        var verifier = services.GetRequiredService<PaymentWebhookVerifier>();
        var body = Event("pi_1");
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(IntegrationContainer.Secret, now, body);
        var stamp = now.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var valid = Assert.IsType<PaymentWebhookVerification.Valid>(verifier.Verify(stamp, signature, body));
        var forged = verifier.Verify(stamp, WebhookSignature.Sign("another-secret-of-at-least-32-characters", now, body), body);
        var tampered = verifier.Verify(stamp, signature, Event("pi_2"));
        var unsignedBody = verifier.Verify(null, null, body);
        var garbage = Encoding.UTF8.GetBytes("{not json");
        var malformed = verifier.Verify(stamp, WebhookSignature.Sign(IntegrationContainer.Secret, now, garbage), garbage);
        var empty = verifier.Verify(stamp, WebhookSignature.Sign(IntegrationContainer.Secret, now, "{}"u8), "{}"u8);
        clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        var stale = verifier.Verify(stamp, signature, body);

        Assert.Equal("pi_1", valid.Event.IntentId);
        Assert.Equal(PaymentOutcome.Succeeded, valid.Event.Outcome);
        Assert.Equal(new PaymentWebhookVerification.Unauthorized(WebhookCheck.BadSignature), forged);
        Assert.Equal(new PaymentWebhookVerification.Unauthorized(WebhookCheck.BadSignature), tampered);
        Assert.Equal(new PaymentWebhookVerification.Unauthorized(WebhookCheck.MissingHeader), unsignedBody);
        Assert.IsType<PaymentWebhookVerification.Malformed>(malformed);
        Assert.IsType<PaymentWebhookVerification.Malformed>(empty);
        Assert.Equal(new PaymentWebhookVerification.Unauthorized(WebhookCheck.OutsideTolerance), stale);
    }

    [Fact]
    public async Task The_verifier_reads_an_http_request_and_defaults_to_the_development_secret()
    {
        var settings = IntegrationContainer.Settings(new Uri("http://scale.test"), new Uri("http://pay.test"));
        settings.Remove("CheckIn:Payments:WebhookSecret");
        using var services = IntegrationContainer.Build(settings);
        var body = Event("pi_3");
        var context = new DefaultHttpContext();
        context.Request.Body = new MemoryStream(body);
        context.Request.Headers[WebhookSignature.TimestampHeader] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Request.Headers[WebhookSignature.SignatureHeader] =
            WebhookSignature.Sign(IntegrationOptions.DevelopmentWebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body);

        var verdict = await services.GetRequiredService<PaymentWebhookVerifier>().VerifyAsync(context.Request, CancellationToken.None);

        Assert.Equal("pi_3", Assert.IsType<PaymentWebhookVerification.Valid>(verdict).Event.IntentId);
    }

    [Theory]
    [InlineData("CheckIn:Payments:WebhookSecret", "too-short", "CheckIn:Payments:WebhookSecret")]
    [InlineData("CheckIn:Weight:BaseUrl", "/weight", "CheckIn:Weight:BaseUrl")]
    [InlineData("CheckIn:Payments:BaseUrl", "ftp://pay.test", "CheckIn:Payments:BaseUrl")]
    [InlineData("CheckIn:Weight:TotalTimeout", "00:00:01", "CheckIn:Weight:TotalTimeout")]
    [InlineData("CheckIn:Payments:Currency", "eur", "CheckIn:Payments:Currency")]
    [InlineData("CheckIn:Payments:WebhookTolerance", "00:00:00", "CheckIn:Payments:WebhookTolerance")]
    public void A_bad_setting_stops_start_up_with_its_name(string key, string value, string named)
    {
        var settings = IntegrationContainer.Settings(new Uri("http://scale.test"), new Uri("http://pay.test"));
        settings[key] = value;
        using var services = IntegrationContainer.Build(settings);

        var failure = Assert.ThrowsAny<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(named, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Embedded_the_host_serves_the_simulators_itself_outside_swagger_and_receives_signed_webhooks()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["WeightService:Bags:EMB01"] = "19.5" });
        builder.Services.AddCheckInIntegrations(builder.Configuration);
        await using var app = builder.Build();
        app.MapCheckInIntegrations();
        var received = new TaskCompletionSource<PaymentWebhookVerification>(TaskCreationOptions.RunContinuationsAsynchronously);
        app.MapPost(IntegrationSetup.WebhookPath, async (HttpRequest request, PaymentWebhookVerifier verifier) =>
        {
            received.TrySetResult(await verifier.VerifyAsync(request, request.HttpContext.RequestAborted));
            return Results.Ok();
        });
        await app.StartAsync();
        var payments = app.Services.GetRequiredService<IPaymentGateway>();

        var weighing = await app.Services.GetRequiredService<IBagScale>().WeighAsync("EMB01");
        var intent = await payments.CreateIntentAsync(new PaymentRequest(30m, "EUR", "PNR4-BAG1", "Overweight bag", "fee-embedded"));
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using var paid = await client.PostAsync($"/sim/payments/api/intents/{intent.IntentId}/pay", content: null);
        var webhook = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(BagWeighing.Weighed(19.5m), weighing);
        Assert.Equal($"/sim/payments/pay/{intent.IntentId}", intent.PayUrl);
        paid.EnsureSuccessStatusCode();
        var valid = Assert.IsType<PaymentWebhookVerification.Valid>(webhook);
        Assert.Equal((intent.IntentId, PaymentOutcome.Succeeded), (valid.Event.IntentId, valid.Event.Outcome));
        var simulatorRoutes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/sim/", StringComparison.Ordinal) == true).ToList();
        Assert.NotEmpty(simulatorRoutes);
        Assert.All(simulatorRoutes, e => Assert.True(e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>()?.ExcludeFromDescription));
        await app.StopAsync();
    }

    private static byte[] Event(string intentId) => JsonSerializer.SerializeToUtf8Bytes(
        new PaymentWebhookEvent("evt_1", "payment_intent.succeeded", intentId, PaymentOutcome.Succeeded, 45m, "EUR", "PNR1-BAG1",
            new DateTimeOffset(2030, 5, 1, 7, 59, 0, TimeSpan.Zero)),
        PaymentJson.Options);
}
