using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CheckIn.Durable.Tests.Infrastructure;
using CheckIn.Payments;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace CheckIn.Durable.Tests;

/// <summary>
/// The payment detour across a crash: the host is killed with <c>kill -9</c> while the passenger pays; the payment
/// provider (the real simulator, its own web app) keeps re-delivering its signed webhook, and once the host is back
/// the check-in resumes exactly once — however many times the event arrives.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed class PaymentResumeTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private const string Secret = "durable-tests-payment-webhook-secret-0123456789";
    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task A_payment_made_while_the_host_was_down_resumes_the_check_in_once_after_the_restart()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration);
        await using var provider = await StartProviderAsync(new Uri(settings.BaseAddress, "/api/payments/webhook"));
        settings = settings with
        {
            Extra = new Dictionary<string, string?>
            {
                ["CheckIn__Payments__BaseUrl"] = provider.Urls.Single() + "/",
                ["CheckIn__Payments__WebhookSecret"] = Secret,
                ["WeightService__Bags__HEAVY01"] = "28.5",
            },
        };
        var first = _hosts.Start("host", settings);
        await first.WaitUntilReadyAsync();
        var booking = await first.Api.CreateBookingAsync(departure: DateTimeOffset.UtcNow.AddHours(6));
        var checkIn = $"/api/flights/{booking.FlightId}/check-ins/{booking.FirstPassenger}";
        (await first.Api.PassengerAsync(HttpMethod.Post, $"/api/flights/{booking.FlightId}/check-ins", booking, new { passengerIds = new[] { booking.FirstPassenger } })).Expect(HttpStatusCode.OK);
        var waiting = (await first.Api.PassengerAsync(HttpMethod.Post, $"{checkIn}/bags", booking, new { bagTag = "HEAVY01" })).Expect(HttpStatusCode.OK).Read<JsonElement>();
        Assert.Equal("WAITING_FOR_PAYMENT", waiting.GetProperty("status").GetString());
        var intentId = waiting.GetProperty("payment").GetProperty("intentId").GetString()!;

        first.KillHard();
        using var providerApi = new HttpClient { BaseAddress = new Uri(provider.Urls.Single() + "/") };
        (await providerApi.PostAsync($"api/intents/{intentId}/pay", null)).EnsureSuccessStatusCode();
        // The provider tries while no host runs, then backs off and tries again.
        await Eventually.UntilAsync(() => EventAsync(providerApi, intentId), e => e.GetProperty("attempts").GetArrayLength() >= 1, TimeSpan.FromSeconds(10), "a first (failed) webhook attempt");
        var restarted = _hosts.Start("host (restarted)", settings);
        await restarted.WaitUntilReadyAsync();

        var resumed = await Eventually.UntilAsync(
            async () => (await restarted.Api.PassengerAsync(HttpMethod.Get, checkIn, booking)).Expect(HttpStatusCode.OK).Read<JsonElement>(),
            v => v.GetProperty("status").GetString() == "IN_PROGRESS",
            TimeSpan.FromSeconds(60),
            "the check-in to resume once the webhook reaches the restarted host");
        Assert.Equal("SUCCEEDED", resumed.GetProperty("payment").GetProperty("status").GetString());

        // The provider delivers the same event again: nothing more happens.
        var delivered = await EventAsync(providerApi, intentId);
        var eventId = delivered.GetProperty("event").GetProperty("id").GetString()!;
        var attempts = delivered.GetProperty("attempts").GetArrayLength();
        (await providerApi.PostAsync($"api/events/{eventId}/redeliver", null)).EnsureSuccessStatusCode();
        await Eventually.UntilAsync(() => EventAsync(providerApi, intentId), e => e.GetProperty("attempts").GetArrayLength() > attempts && e.GetProperty("delivered").GetBoolean(), TimeSpan.FromSeconds(10), "the redelivery");

        var trail = (await restarted.Api.AdminGetAsync($"/api/admin/flights/{booking.FlightId}/check-in-events?passengerId={booking.FirstPassenger}").ReadAsync())
            .Expect(HttpStatusCode.OK).Read<List<JsonElement>>().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["START", "ADD_BAG", "PAYMENT_SUCCEEDED"], trail);
        Assert.Equal(1, await Db.ScalarAsync<long>(db, "SELECT count(*) FROM checkin_events WHERE action = 'PAYMENT_SUCCEEDED'"));
        var final = (await restarted.Api.PassengerAsync(HttpMethod.Get, checkIn, booking)).Expect(HttpStatusCode.OK).Read<JsonElement>();
        Assert.Equal(resumed.GetProperty("version").GetInt64(), final.GetProperty("version").GetInt64());
    }

    private static async Task<JsonElement> EventAsync(HttpClient provider, string intentId)
    {
        var events = await provider.GetFromJsonAsync<JsonElement>("api/events");
        return events.EnumerateArray().Single(e => e.GetProperty("event").GetProperty("intentId").GetString() == intentId);
    }

    private static async Task<WebApplication> StartProviderAsync(Uri webhook)
    {
        var app = PaymentSimulatorApp.Build(["--urls", "http://127.0.0.1:0"], builder =>
        {
            builder.Logging.ClearProviders();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["PaymentSimulator:WebhookUrl"] = webhook.ToString(),
                ["PaymentSimulator:WebhookSecret"] = Secret,
                ["PaymentSimulator:MaxDeliveryAttempts"] = "30",
            });
        });
        await app.StartAsync();
        return app;
    }

    public void Dispose() => _hosts.Dispose();
}
