using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CheckIn.Payments.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace CheckIn.Payments.Tests;

public sealed class DeliveryTests
{
    [Fact]
    public async Task A_transition_is_delivered_once_signed_with_the_exact_event_body()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var sim = await Simulator.StartAsync(receiver.Url);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;

        await sim.TransitionAsync(id, "pay");

        await Eventually.TrueAsync(() => receiver.Received.Count == 1, "one webhook");
        var received = Assert.Single(receiver.Received);
        Assert.Equal(WebhookCheck.Valid, received.Check);
        Assert.Equal("application/json", received.ContentType);
        Assert.Equal(id, received.Event!.IntentId);
        Assert.Equal(PaymentOutcome.Succeeded, received.Event.Outcome);
        Assert.Equal(50.00m, received.Event.Amount);
        Assert.Contains("\"outcome\":\"SUCCEEDED\"", received.Body, StringComparison.Ordinal);
        await Eventually.TrueAsync(async () => (bool)(await sim.EventsAsync())[0]!["delivered"]!, "the attempt is recorded");
        var recorded = (await sim.EventsAsync())[0]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(received.Body), recorded["event"]));
        var attempt = Assert.Single(recorded["attempts"]!.AsArray())!;
        Assert.Equal(200, (int?)attempt["statusCode"]);
        Assert.Equal(1, (int?)attempt["attempt"]);
    }

    [Fact]
    public async Task Duplicates_deliver_the_same_event_id_again()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var sim = await Simulator.StartAsync(receiver.Url);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;

        await sim.TransitionAsync(id, "fail", "?duplicates=2");

        await Eventually.TrueAsync(() => receiver.Received.Count == 3, "three deliveries");
        Assert.All(receiver.Received, r => Assert.Equal(WebhookCheck.Valid, r.Check));
        Assert.Single(receiver.Received.Select(r => r.Event!.Id).Distinct());
        Assert.All(receiver.Received, r => Assert.Equal(PaymentOutcome.Failed, r.Event!.Outcome));
        Assert.Single(await sim.EventsAsync());
    }

    [Theory]
    [InlineData("reverse")]
    [InlineData("fifo")]
    public async Task Held_events_are_released_in_the_requested_order(string order)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var sim = await Simulator.StartAsync(receiver.Url);
        using (await sim.Client.PostAsync("/api/webhooks/hold", null)) { }
        var ids = new List<string>();
        foreach (var action in new[] { "pay", "fail", "cancel" })
        {
            var id = (string)(await sim.CreateIntentAsync())["id"]!;
            await sim.TransitionAsync(id, action);
            ids.Add(id);
        }
        Assert.Empty(receiver.Received);
        Assert.All(await sim.EventsAsync(), e => Assert.Empty(e!["attempts"]!.AsArray()));

        using var release = await sim.Client.PostAsync($"/api/webhooks/release?order={order}", null);

        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Assert.Equal(3, (int?)(await Http.ReadJsonAsync(release))["released"]);
        await Eventually.TrueAsync(() => receiver.Received.Count == 3, "three deliveries");
        var expected = order == "reverse" ? Enumerable.Reverse(ids).ToList() : ids;
        Assert.Equal(expected, receiver.Received.Select(r => r.Event!.IntentId));
    }

    [Fact]
    public async Task A_failed_delivery_is_retried_after_the_backoff()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var receiver = await WebhookReceiver.StartAsync(time.GetUtcNow, answers: [500]);
        await using var sim = await Simulator.StartAsync(receiver.Url, time);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;
        await sim.TransitionAsync(id, "pay");
        await Eventually.TrueAsync(async () => (await sim.EventsAsync())[0]!["attempts"]!.AsArray().Count == 1, "the first attempt");

        time.Advance(TimeSpan.FromMilliseconds(500));

        await Eventually.TrueAsync(async () => (bool)(await sim.EventsAsync())[0]!["delivered"]!, "the retry succeeds");
        Assert.Equal(2, receiver.Received.Count);
        Assert.All(receiver.Received, r => Assert.Equal(WebhookCheck.Valid, r.Check));
        Assert.Single(receiver.Received.Select(r => r.Event!.Id).Distinct());
        var attempts = (await sim.EventsAsync())[0]!["attempts"]!.AsArray();
        Assert.Equal([500, 200], attempts.Select(a => (int)a!["statusCode"]!));
        Assert.Equal([true, false], attempts.Select(a => (bool)a!["willRetry"]!));
        // The timestamp is the injected clock at send time, so the receiver's fake "now" accepts it.
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), receiver.Received[1].Timestamp);
    }

    [Fact]
    public async Task Delivery_gives_up_after_the_configured_attempts()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var receiver = await WebhookReceiver.StartAsync(time.GetUtcNow, answers: [500, 503, 500]);
        await using var sim = await Simulator.StartAsync(receiver.Url, time, maxAttempts: 2);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;
        await sim.TransitionAsync(id, "pay");
        await Eventually.TrueAsync(async () => (await sim.EventsAsync())[0]!["attempts"]!.AsArray().Count == 1, "the first attempt");

        time.Advance(TimeSpan.FromMilliseconds(500));

        await Eventually.TrueAsync(async () => (await sim.EventsAsync())[0]!["attempts"]!.AsArray().Count == 2, "the second attempt");
        var evt = (await sim.EventsAsync())[0]!;
        Assert.False((bool)evt["delivered"]!);
        Assert.Equal([500, 503], evt["attempts"]!.AsArray().Select(a => (int)a!["statusCode"]!));
        Assert.False((bool)evt["attempts"]![1]!["willRetry"]!);
    }

    [Fact]
    public async Task A_network_error_is_recorded_and_retried()
    {
        await using var sim = await Simulator.StartAsync(Simulator.Nowhere);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;

        await sim.TransitionAsync(id, "pay");

        await Eventually.TrueAsync(async () => (await sim.EventsAsync())[0]!["attempts"]!.AsArray().Count >= 1, "an attempt");
        var attempt = (await sim.EventsAsync())[0]!["attempts"]![0]!;
        Assert.Null(attempt["statusCode"]);
        Assert.False(string.IsNullOrEmpty((string?)attempt["error"]));
        Assert.True((bool)attempt["willRetry"]!);
    }

    [Fact]
    public async Task A_delayed_event_waits_for_the_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        await using var receiver = await WebhookReceiver.StartAsync(time.GetUtcNow);
        await using var sim = await Simulator.StartAsync(receiver.Url, time);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;

        await sim.TransitionAsync(id, "cancel", "?delayMs=5000");
        time.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.Empty((await sim.EventsAsync())[0]!["attempts"]!.AsArray());
        time.Advance(TimeSpan.FromMilliseconds(1));

        await Eventually.TrueAsync(() => receiver.Received.Count == 1, "the delayed webhook");
        Assert.Equal(PaymentOutcome.Canceled, receiver.Received[0].Event!.Outcome);
    }

    [Fact]
    public async Task The_api_answers_while_the_receiver_is_still_busy()
    {
        await using var receiver = await WebhookReceiver.StartAsync(gated: true);
        await using var sim = await Simulator.StartAsync(receiver.Url);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;

        await sim.TransitionAsync(id, "pay");
        await Eventually.TrueAsync(() => receiver.Received.Count == 1, "the webhook reaches the receiver");
        Assert.Empty((await sim.EventsAsync())[0]!["attempts"]!.AsArray()); // the receiver has not answered yet

        receiver.OpenGate();
        await Eventually.TrueAsync(async () => (bool)(await sim.EventsAsync())[0]!["delivered"]!, "the delivery completes");
    }

    [Fact]
    public async Task An_event_can_be_redelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var sim = await Simulator.StartAsync(receiver.Url);
        var id = (string)(await sim.CreateIntentAsync())["id"]!;
        await sim.TransitionAsync(id, "pay");
        await Eventually.TrueAsync(() => receiver.Received.Count == 1, "the first delivery");
        var eventId = receiver.Received[0].Event!.Id;

        using var response = await sim.Client.PostAsync($"/api/events/{eventId}/redeliver", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.TrueAsync(() => receiver.Received.Count == 2, "the redelivery");
        Assert.Equal(eventId, receiver.Received[1].Event!.Id);
        Assert.Equal(WebhookCheck.Valid, receiver.Received[1].Check);
    }
}
