using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Payments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CheckIn.Api.Tests;

/// <summary>
/// The host with the real Weight service and payment simulator, each its own web app on a real socket: bags, the
/// payment pause and the signed webhook over HTTP.
/// </summary>
public sealed class JourneyFixture : IAsyncLifetime
{
    private WebApplicationFactory<Program>? _host;

    public IntegrationRemoteService Weight { get; private set; } = null!;

    public IntegrationRemoteService Payments { get; private set; } = null!;

    public CheckInApi Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Weight = await IntegrationRemoteService.StartWeightAsync(new Dictionary<string, string?>
        {
            ["WeightService:Bags:LIGHT01"] = "18.2",
            ["WeightService:Bags:HEAVY01"] = "28.5",
            ["WeightService:Bags:HEAVY02"] = "30.0",
            ["WeightService:Bags:HEAVY03"] = "26.0",
            ["WeightService:Bags:ROCKS01"] = "33.0",
            ["WeightService:UnknownTags"] = "NotFound",
        });
        Payments = await IntegrationRemoteService.StartPaymentsAsync();
        // Short timeouts so that a slow Weight service answers 503 within a test.
        var settings = IntegrationContainer.Settings(Weight.BaseUrl, Payments.BaseUrl, attemptTimeout: TimeSpan.FromSeconds(1));
        _host = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        });
        Api = new CheckInApi(_host.CreateContractCheckedClient());
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
        await Weight.DisposeAsync();
        await Payments.DisposeAsync();
    }
}

public sealed class JourneyApiTests(JourneyFixture fixture) : IClassFixture<JourneyFixture>
{
    private readonly CheckInApi _api = fixture.Api;

    [Fact]
    public async Task A_bag_within_the_allowance_is_weighed_and_added()
    {
        var (flightId, traveller) = await StartedAsync();

        var view = await AddBagAsync(flightId, traveller, "light01", 200);

        var bag = Assert.Single(view.GetProperty("bags").EnumerateArray());
        Assert.Equal("LIGHT01", bag.GetProperty("bagTag").GetString());
        Assert.Equal(18.2m, bag.GetProperty("weightKg").GetDecimal());
        Assert.False(bag.GetProperty("overweight").GetBoolean());
        Assert.Equal("IN_PROGRESS", view.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_overweight_bag_pauses_for_payment_and_the_signed_webhook_resumes_it_once()
    {
        var (flightId, traveller) = await StartedAsync();

        var waiting = await AddBagAsync(flightId, traveller, "HEAVY01", 200);

        Assert.Equal("WAITING_FOR_PAYMENT", waiting.GetProperty("status").GetString());
        var payment = waiting.GetProperty("payment");
        var intentId = payment.GetProperty("intentId").GetString()!;
        Assert.Equal(50.00m, payment.GetProperty("amount").GetProperty("amount").GetDecimal());
        Assert.Equal("EUR", payment.GetProperty("amount").GetProperty("currency").GetString());
        Assert.Equal("REQUIRES_PAYMENT", payment.GetProperty("status").GetString());
        Assert.Contains(intentId, payment.GetProperty("payUrl").GetString(), StringComparison.Ordinal);
        var atProvider = await fixture.Payments.Client.GetFromJsonAsync<JsonElement>($"api/intents/{intentId}");
        Assert.Equal($"{flightId}/{traveller.PassengerId}", atProvider.GetProperty("reference").GetString());
        await ProblemAssert.IsProblemAsync(await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/complete"), null, traveller.Token), 409, "PAYMENT_REQUIRED");

        await fixture.Payments.PostAsync($"api/intents/{intentId}/pay");
        var body = await ProviderEventAsync(intentId);
        var first = await DeliverAsync(body);
        var again = await DeliverAsync(body);

        Assert.Equal(("APPLIED", "IN_PROGRESS"), (first.GetProperty("effect").GetString(), first.GetProperty("checkInStatus").GetString()));
        Assert.Equal("DUPLICATE", again.GetProperty("effect").GetString());
        using var done = await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/complete"), null, traveller.Token);
        await CheckInApi.EnsureStatusAsync(done, 200);
        var pass = (await CheckInApi.ReadJsonAsync(done)).GetProperty("boardingPass");
        Assert.Equal('3', pass.GetProperty("bcbp").GetString()![57]);
        using var events = await _api.AdminGetAsync($"/api/admin/flights/{flightId}/check-in-events?passengerId={traveller.PassengerId}");
        var actions = (await CheckInApi.ReadJsonAsync(events)).EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["START", "ADD_BAG", "PAYMENT_SUCCEEDED", "COMPLETE"], actions);
    }

    [Fact]
    public async Task A_failed_payment_keeps_waiting_until_a_new_intent_is_paid()
    {
        var (flightId, traveller) = await StartedAsync();
        var first = (await AddBagAsync(flightId, traveller, "HEAVY02", 200)).GetProperty("payment").GetProperty("intentId").GetString()!;
        await fixture.Payments.PostAsync($"api/intents/{first}/fail");

        var failed = await DeliverAsync(await ProviderEventAsync(first));

        Assert.Equal("WAITING_FOR_PAYMENT", failed.GetProperty("checkInStatus").GetString());
        using var retry = await _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/payment"), null, traveller.Token);
        await CheckInApi.EnsureStatusAsync(retry, 200);
        var second = (await CheckInApi.ReadJsonAsync(retry)).GetProperty("payment");
        Assert.NotEqual(first, second.GetProperty("intentId").GetString());
        Assert.Equal("REQUIRES_PAYMENT", second.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_bag_over_32_kg_or_an_unknown_tag_is_refused_and_changes_nothing()
    {
        var (flightId, traveller) = await StartedAsync();

        var tooHeavy = await ProblemAssert.IsProblemAsync(await PostBagAsync(flightId, traveller, "ROCKS01"), 422, "BAG_TOO_HEAVY", "bagTag");
        Assert.Equal("33.0", tooHeavy.GetProperty("weightKg").GetString());
        await ProblemAssert.IsProblemAsync(await PostBagAsync(flightId, traveller, "NOSUCH9"), 422, "UNKNOWN_BAG_TAG", "bagTag");
        await ProblemAssert.IsProblemAsync(await PostBagAsync(flightId, traveller, "not a tag!"), 400, "VALIDATION_FAILED", "bagTag");

        var view = await CheckInApi.ReadJsonAsync(await _api.GetAsync(PathOf(flightId, traveller.PassengerId, ""), traveller.Token));
        Assert.Empty(view.GetProperty("bags").EnumerateArray());
        Assert.Equal(1, view.GetProperty("version").GetInt32());
    }

    [Fact]
    public async Task When_the_weight_service_fails_the_passenger_gets_503_with_retry_after_and_nothing_changes()
    {
        var (flightId, traveller) = await StartedAsync();
        await fixture.Weight.SetFaultsAsync(latencyMs: 0, failureRate: 1.0);
        try
        {
            using var response = await PostBagAsync(flightId, traveller, "LIGHT01");

            await ProblemAssert.IsProblemAsync(response, 503, "WEIGHT_SERVICE_UNAVAILABLE");
            Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "a 503 says when to retry");
        }
        finally
        {
            await fixture.Weight.SetFaultsAsync(latencyMs: 0, failureRate: 0);
        }
        var view = await CheckInApi.ReadJsonAsync(await _api.GetAsync(PathOf(flightId, traveller.PassengerId, ""), traveller.Token));
        Assert.Empty(view.GetProperty("bags").EnumerateArray());
    }

    [Fact]
    public async Task When_the_weight_service_is_too_slow_the_passenger_gets_503_and_nothing_changes()
    {
        var (flightId, traveller) = await StartedAsync();
        await fixture.Weight.SetFaultsAsync(latencyMs: 3000, failureRate: 0);
        try
        {
            using var response = await PostBagAsync(flightId, traveller, "LIGHT01");

            await ProblemAssert.IsProblemAsync(response, 503, "WEIGHT_SERVICE_UNAVAILABLE");
            Assert.NotNull(response.Headers.RetryAfter);
        }
        finally
        {
            await fixture.Weight.SetFaultsAsync(latencyMs: 0, failureRate: 0);
        }
        var view = await CheckInApi.ReadJsonAsync(await _api.GetAsync(PathOf(flightId, traveller.PassengerId, ""), traveller.Token));
        Assert.Empty(view.GetProperty("bags").EnumerateArray());
        Assert.Equal("IN_PROGRESS", view.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_webhook_with_a_wrong_signature_or_an_old_timestamp_is_refused_and_changes_nothing()
    {
        var (flightId, traveller) = await StartedAsync();
        var intentId = (await AddBagAsync(flightId, traveller, "HEAVY03", 200)).GetProperty("payment").GetProperty("intentId").GetString()!;
        await fixture.Payments.PostAsync($"api/intents/{intentId}/pay");
        var body = await ProviderEventAsync(intentId);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        await ProblemAssert.IsProblemAsync(await PostWebhookAsync(body, now, "v1=" + new string('0', 64)), 401, "WEBHOOK_SIGNATURE_INVALID", WebhookSignature.SignatureHeader);
        await ProblemAssert.IsProblemAsync(await PostWebhookAsync(body, now - 301, WebhookSignature.Sign(IntegrationContainer.Secret, now - 301, body)), 401, "WEBHOOK_SIGNATURE_INVALID", WebhookSignature.SignatureHeader);
        await ProblemAssert.IsProblemAsync(await PostWebhookAsync(body, now, null), 401, "WEBHOOK_SIGNATURE_INVALID", WebhookSignature.SignatureHeader);

        var view = await CheckInApi.ReadJsonAsync(await _api.GetAsync(PathOf(flightId, traveller.PassengerId, ""), traveller.Token));
        Assert.Equal("WAITING_FOR_PAYMENT", view.GetProperty("status").GetString());
    }

    private async Task<(string FlightId, Traveller Traveller)> StartedAsync()
    {
        var flightId = await _api.CreateFlightAsync(DateTimeOffset.UtcNow.AddHours(6));
        var traveller = await _api.NewTravellerAsync(flightId);
        using var start = await _api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = traveller.PassengerIds }, traveller.Token);
        await CheckInApi.EnsureStatusAsync(start, 200);
        return (flightId, traveller);
    }

    private Task<HttpResponseMessage> PostBagAsync(string flightId, Traveller traveller, string bagTag) =>
        _api.PostJsonAsync(PathOf(flightId, traveller.PassengerId, "/bags"), new { bagTag }, traveller.Token);

    private async Task<JsonElement> AddBagAsync(string flightId, Traveller traveller, string bagTag, int status)
    {
        using var response = await PostBagAsync(flightId, traveller, bagTag);
        await CheckInApi.EnsureStatusAsync(response, status);
        return await CheckInApi.ReadJsonAsync(response);
    }

    /// <summary>The event the provider recorded for the intent, as the bytes it sends.</summary>
    private async Task<byte[]> ProviderEventAsync(string intentId)
    {
        var events = await fixture.Payments.Client.GetFromJsonAsync<JsonElement>("api/events");
        var record = events.EnumerateArray().Last(e => e.GetProperty("event").GetProperty("intentId").GetString() == intentId);
        var e = record.GetProperty("event").Deserialize<PaymentWebhookEvent>(PaymentJson.Options)!;
        return JsonSerializer.SerializeToUtf8Bytes(e, PaymentJson.Options);
    }

    private async Task<JsonElement> DeliverAsync(byte[] body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var response = await PostWebhookAsync(body, now, WebhookSignature.Sign(IntegrationContainer.Secret, now, body));
        await CheckInApi.EnsureStatusAsync(response, 200);
        return await CheckInApi.ReadJsonAsync(response);
    }

    private Task<HttpResponseMessage> PostWebhookAsync(byte[] body, long timestamp, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/payments/webhook") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (signature is not null)
        {
            request.Headers.Add(WebhookSignature.SignatureHeader, signature);
        }
        return _api.Client.SendAsync(request);
    }

    private static string PathOf(string flightId, string passengerId, string suffix) => $"/api/flights/{flightId}/check-ins/{passengerId}{suffix}";
}
