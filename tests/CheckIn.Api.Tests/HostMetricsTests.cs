using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Payments;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Xunit.Abstractions;

namespace CheckIn.Api.Tests;

/// <summary>
/// The HTTP front end's instruments, read with a MetricCollector on the host's own meter factory: seat-map reads by
/// status and cache, open event streams, payment webhooks by outcome (and their log scope), and a seat conflict
/// counted by the seat grain on the same meter (the co-hosted silo's services are the host's).
/// </summary>
[Collection(HostMetricsCollection.Name)]
public sealed class HostMetricsTests(HostMetricsFixture fixture, ITestOutputHelper log)
{
    private CheckInApi Api => fixture.Api;

    private IServiceProvider Services => fixture.Factory.Services;

    [Fact]
    public async Task A_seat_map_read_counts_200_miss_then_an_unchanged_read_304_hit_and_a_stale_copy_a_miss_and_an_unknown_flight_nothing()
    {
        var flightId = await Api.CreateFlightAsync();
        using var requests = HostMetrics.Collect(Services, "checkin.seatmap.requests");
        // A flight id that does not exist is caller input: counting it would make the flight tag unbounded.
        await ProblemAssert.IsProblemAsync(await Api.GetAsync($"/api/flights/{CheckInApi.NewFlightId()}/seatmap"), 404, "FLIGHT_NOT_FOUND", "flightId");

        using var first = await Api.GetAsync($"/api/flights/{flightId}/seatmap");
        await CheckInApi.EnsureStatusAsync(first, 200);
        var etag = first.Headers.ETag!.ToString();
        // The fake clock stands still: this process's copy is still fresh, so no grain call.
        using var unchanged = await Api.GetAsync($"/api/flights/{flightId}/seatmap", ifNoneMatch: etag);
        await CheckInApi.EnsureStatusAsync(unchanged, 304);
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(1));
        using var later = await Api.GetAsync($"/api/flights/{flightId}/seatmap", ifNoneMatch: etag);
        await CheckInApi.EnsureStatusAsync(later, 304);

        var seen = requests.GetMeasurementSnapshot()
            .Select(m => (Flight: m.Tags["flight"], Status: m.Tags["status"], Cache: m.Tags["cache"], m.Value))
            .ToList();
        Assert.Equal(
            [(flightId, 200, "miss", 1L), (flightId, 304, "hit", 1L), (flightId, 304, "miss", 1L)],
            seen.Select(s => ((string)s.Flight!, (int)s.Status!, (string)s.Cache!, s.Value)));
    }

    [Fact]
    public async Task A_seat_map_stream_counts_one_subscriber_while_open_and_none_once_the_client_leaves_and_an_unknown_flight_none()
    {
        var flightId = await Api.CreateFlightAsync();
        using var subscribers = HostMetrics.Collect(Services, "checkin.stream.subscribers");
        await using (var bogus = await EventStream.OpenAsync(Api.Client, $"/api/flights/{CheckInApi.NewFlightId()}/seatmap/stream", token: null))
        {
            Assert.Equal(404, (int)bogus.Response.StatusCode);
        }

        var stream = await EventStream.OpenAsync(Api.Client, $"/api/flights/{flightId}/seatmap/stream", token: null);
        await using (stream)
        {
            await stream.NextAsync();
            Assert.Equal(1, HostMetrics.Sum(subscribers, ("stream", "seatmap")));
        }

        // The server sees the client leave a moment later, when the request is aborted.
        await Eventually.Until(() => Task.FromResult(HostMetrics.Sum(subscribers, ("stream", "seatmap"))), open => open == 0, "the stream's subscriber to be taken back");
        Assert.Equal([1L, -1L], subscribers.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task A_notification_stream_counts_one_subscriber_while_open_and_none_once_the_client_leaves()
    {
        var flightId = await Api.CreateFlightAsync();
        var traveller = await Api.NewTravellerAsync(flightId);
        using var subscribers = HostMetrics.Collect(Services, "checkin.stream.subscribers");

        var stream = await EventStream.OpenAsync(Api.Client, "/api/notifications/stream", traveller.Token);
        await using (stream)
        {
            await CheckInApi.EnsureStatusAsync(stream.Response, 200);
            Assert.Equal(1, HostMetrics.Sum(subscribers, ("stream", "notifications")));
        }

        await Eventually.Until(() => Task.FromResult(HostMetrics.Sum(subscribers, ("stream", "notifications"))), open => open == 0, "the stream's subscriber to be taken back");
        Assert.Equal(0, HostMetrics.Sum(subscribers, ("stream", "seatmap")));
    }

    [Fact]
    public async Task A_paid_intent_counts_applied_then_its_repeat_duplicate()
    {
        var (flightId, traveller, intentId) = await OwingAsync();
        using var webhooks = HostMetrics.Collect(Services, "checkin.payment.webhooks");
        var paid = PaidEvent(flightId, traveller.PassengerId, intentId);

        var first = await DeliverAsync(paid);
        var again = await DeliverAsync(paid);

        Assert.Equal(("APPLIED", "DUPLICATE"), (first.GetProperty("effect").GetString(), again.GetProperty("effect").GetString()));
        Assert.Equal(1, HostMetrics.Sum(webhooks, ("outcome", "applied")));
        Assert.Equal(1, HostMetrics.Sum(webhooks, ("outcome", "duplicate")));
        Assert.Equal(2, HostMetrics.Sum(webhooks));
    }

    [Fact]
    public async Task A_wrong_signature_counts_bad_signature_and_an_unknown_reference_or_intent_unknown_intent()
    {
        var (flightId, traveller, intentId) = await OwingAsync();
        using var webhooks = HostMetrics.Collect(Services, "checkin.payment.webhooks");
        var paid = PaidEvent(flightId, traveller.PassengerId, intentId);

        using (var forged = await Api.Client.SendAsync(HostMetrics.Webhook(paid, HostMetricsFixture.WebhookSecret, fixture.Clock.GetUtcNow(), "v1=" + new string('0', 64))))
        {
            await ProblemAssert.IsProblemAsync(forged, 401, "WEBHOOK_SIGNATURE_INVALID", WebhookSignature.SignatureHeader);
        }
        await DeliverAsync(paid with { Id = $"evt_{Guid.NewGuid():N}", Reference = "not-one-of-ours" });
        await DeliverAsync(paid with { Id = $"evt_{Guid.NewGuid():N}", IntentId = "pi_unknown" });

        Assert.Equal(1, HostMetrics.Sum(webhooks, ("outcome", "bad_signature")));
        Assert.Equal(2, HostMetrics.Sum(webhooks, ("outcome", "unknown_intent")));
        Assert.Equal(3, HostMetrics.Sum(webhooks));
    }

    [Fact]
    public async Task A_webhook_logs_inside_a_scope_with_flight_pseudonymised_passenger_actor_and_reason_and_no_passenger_id()
    {
        var (flightId, traveller, intentId) = await OwingAsync();
        var paid = PaidEvent(flightId, traveller.PassengerId, intentId);

        await DeliverAsync(paid);

        var line = Assert.Single(fixture.Logs.GetSnapshot(), r => r.Message.Contains(paid.Id, StringComparison.Ordinal));
        var scope = line.Scopes.OfType<IEnumerable<KeyValuePair<string, object?>>>().Select(s => s.ToDictionary(p => p.Key, p => p.Value)).Single(s => s.ContainsKey("Actor"));
        Assert.Equal(flightId, scope["FlightId"]);
        Assert.Equal("payment-provider", scope["Actor"]);
        Assert.False(string.IsNullOrEmpty(scope["Reason"] as string));
        var passenger = Assert.IsType<string>(scope["Passenger"]);
        Assert.Matches("^psg_[0-9a-f]{16}$", passenger);
        Assert.Contains(passenger, line.Message, StringComparison.Ordinal);
        foreach (var secret in new[] { traveller.PassengerId, traveller.Pnr, traveller.LastName })
        {
            Assert.DoesNotContain(secret, line.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, string.Join(' ', scope.Values), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task A_seat_conflict_counts_as_SEAT_UNAVAILABLE_under_its_flight()
    {
        var flightId = await Api.CreateFlightAsync();
        var first = await Api.NewTravellerAsync(flightId);
        var second = await Api.NewTravellerAsync(flightId);
        // Recorded by the seat grain: the silo shares the host's services, so it is the same meter factory.
        using var commands = HostMetrics.Collect(Services, "checkin.seat.commands");

        await Api.HoldAsync(first, flightId, "4C");
        using var conflict = await Api.SeatCommandAsync(second, flightId, "4C", "hold");
        await ProblemAssert.IsProblemAsync(conflict, 409, "SEAT_UNAVAILABLE");

        Assert.Equal(1, HostMetrics.Sum(commands, ("flight", flightId), ("command", "hold"), ("outcome", "SEAT_UNAVAILABLE")));
        Assert.Equal(1, HostMetrics.Sum(commands, ("flight", flightId), ("command", "hold"), ("outcome", "ok")));
    }

    /// <summary>A started check-in with an overweight bag: it waits for its payment intent.</summary>
    private async Task<(string FlightId, Traveller Traveller, string IntentId)> OwingAsync()
    {
        var flightId = await Api.CreateFlightAsync(fixture.Clock.GetUtcNow().AddHours(6));
        var traveller = await Api.NewTravellerAsync(flightId);
        using (var start = await Api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = traveller.PassengerIds }, traveller.Token))
        {
            await CheckInApi.EnsureStatusAsync(start, 200);
        }
        using var bag = await Api.PostJsonAsync($"/api/flights/{flightId}/check-ins/{traveller.PassengerId}/bags", new { bagTag = HostMetricsFixture.HeavyBag }, traveller.Token);
        await CheckInApi.EnsureStatusAsync(bag, 200);
        var view = await CheckInApi.ReadJsonAsync(bag);
        Assert.Equal("WAITING_FOR_PAYMENT", view.GetProperty("status").GetString());
        return (flightId, traveller, view.GetProperty("payment").GetProperty("intentId").GetString()!);
    }

    private PaymentWebhookEvent PaidEvent(string flightId, string passengerId, string intentId) =>
        new($"evt_{Guid.NewGuid():N}", "payment_intent.succeeded", intentId, PaymentOutcome.Succeeded, 50.00m, "EUR",
            $"{flightId}/{passengerId}", fixture.Clock.GetUtcNow());

    [Fact]
    public async Task A_host_keeps_a_seat_map_copy_while_it_is_read_drops_it_a_minute_after_the_last_read_and_a_definition_after_ten()
    {
        using var cached = HostMetrics.Collect(Services, "checkin.host.cached_flights");
        // Whatever earlier tests left is swept first: every copy is over ten minutes old then.
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(11));
        await Eventually.Until(() => Task.FromResult(Kept(cached)), k => k == (0, 0), "every copy to be swept");

        var read = await Api.CreateFlightAsync();
        var unread = await Api.CreateFlightAsync();
        await ReadMapAsync(read);
        await ReadMapAsync(unread);
        Assert.Equal((2, 2), Kept(cached));

        // 40 s on, one of them is read again; 40 s later only the other has gone unread for a minute.
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(40));
        await ReadMapAsync(read);
        await fixture.AdvanceAsync(TimeSpan.FromSeconds(40));
        Assert.Equal((1, 2), await Eventually.Until(() => Task.FromResult(Kept(cached)), k => k.Maps < 2, "the unread map to be dropped"));

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(70));
        await Eventually.Until(() => Task.FromResult(Kept(cached)), k => k.Maps == 0, "the map read last to be dropped a minute later");
        // Definitions are kept ten minutes from their first use, read or not; then asked for again when needed.
        Assert.Equal(2, Kept(cached).Flights);
        await fixture.AdvanceAsync(TimeSpan.FromMinutes(9));
        await Eventually.Until(() => Task.FromResult(Kept(cached)), k => k.Flights == 0, "the definitions to be dropped after ten minutes");
        await ReadMapAsync(unread);
        Assert.Equal((1, 1), Kept(cached));
    }

    private async Task ReadMapAsync(string flightId)
    {
        using var response = await Api.GetAsync($"/api/flights/{flightId}/seatmap");
        await CheckInApi.EnsureStatusAsync(response, 200);
    }

    /// <summary>The latest observation of checkin.host.cached_flights: seat maps and flight definitions this host keeps.</summary>
    private static (long Maps, long Flights) Kept(MetricCollector<long> cached)
    {
        cached.RecordObservableInstruments();
        var latest = cached.GetMeasurementSnapshot();
        return (latest.Last(m => Equals(m.Tags["cache"], "seatmap")).Value, latest.Last(m => Equals(m.Tags["cache"], "flight")).Value);
    }

    private async Task<System.Text.Json.JsonElement> DeliverAsync(PaymentWebhookEvent e)
    {
        using var response = await Api.Client.SendAsync(HostMetrics.Webhook(e, HostMetricsFixture.WebhookSecret, fixture.Clock.GetUtcNow()));
        await CheckInApi.EnsureStatusAsync(response, 200);
        var body = await CheckInApi.ReadJsonAsync(response);
        log.WriteLine($"webhook {e.Id}: {body.GetProperty("effect").GetString()}");
        return body;
    }
}

/// <summary>Refusals by abuse protection, counted by rule and code, on the abuse host (limits at their defaults).</summary>
[Collection(AbuseCollection.Name)]
public sealed class HostMetricsAbuseTests(AbuseFixture fixture)
{
    private CheckInApi Api => fixture.Api;

    private IServiceProvider Services => fixture.Factory.Services;

    [Fact]
    public async Task An_eleventh_sign_in_a_minute_counts_under_SESSION_RATE_and_RATE_LIMITED()
    {
        var peer = new Peer(Api, "203.0.113.140");
        using var rejections = HostMetrics.Collect(Services, "checkin.abuse.rejections");
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await peer.SignInAsync();
            await ProblemAssert.IsProblemAsync(wrong, 401, "INVALID_CREDENTIALS");
        }
        Assert.Empty(rejections.GetMeasurementSnapshot());

        using var limited = await peer.SignInAsync();
        await ProblemAssert.IsProblemAsync(limited, 429, "RATE_LIMITED");

        var refusal = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal(("SESSION_RATE", "RATE_LIMITED", 1L), ((string)refusal.Tags["rule"]!, (string)refusal.Tags["code"]!, refusal.Value));
    }

    [Fact]
    public async Task A_burst_counts_its_refusals_under_BURST_and_CLIENT_BLOCKED_on_limited_and_other_endpoints()
    {
        var flightId = await Api.CreateFlightAsync();
        var peer = new Peer(Api, "203.0.113.141");
        using var rejections = HostMetrics.Collect(Services, "checkin.abuse.rejections");
        for (var i = 0; i < 30; i++)
        {
            using var ok = await peer.SeatMapAsync(flightId);
            await CheckInApi.EnsureStatusAsync(ok, 200);
        }

        using (var blocked = await peer.SeatMapAsync(flightId))
        {
            await ProblemAssert.IsProblemAsync(blocked, 429, "CLIENT_BLOCKED");
        }
        using (var notifications = await peer.GetAsync("/api/notifications"))
        {
            await ProblemAssert.IsProblemAsync(notifications, 429, "CLIENT_BLOCKED");
        }

        Assert.Equal(2, HostMetrics.Sum(rejections, ("rule", "BURST"), ("code", "CLIENT_BLOCKED")));
        Assert.Equal(2, HostMetrics.Sum(rejections));
    }

    [Fact]
    public async Task A_hold_refused_for_the_hold_cooldown_counts_under_HOLD_CYCLES_and_HOLD_COOLDOWN()
    {
        var flightId = await Api.CreateFlightAsync();
        var peer = new Peer(Api, "203.0.113.142");
        var (token, passengerId) = await SignedInAsync(peer, flightId);
        using var rejections = HostMetrics.Collect(Services, "checkin.abuse.rejections");
        // Each hold of another seat is one hold cycle; the default allows 10, the 11th starts the cooldown.
        string[] seats = ["3A", "3B", "3C", "3D", "3E", "3F", "4A", "4B", "4C", "4D", "4E", "4F"];
        foreach (var seat in seats)
        {
            using var held = await peer.PostAsync($"/api/flights/{flightId}/seats/{seat}/hold", new { passengerId }, token);
            await CheckInApi.EnsureStatusAsync(held, 200);
        }
        Assert.Empty(rejections.GetMeasurementSnapshot());

        using var refused = await peer.PostAsync($"/api/flights/{flightId}/seats/5A/hold", new { passengerId }, token);
        await ProblemAssert.IsProblemAsync(refused, 409, "HOLD_COOLDOWN", "passengerId");

        var refusal = Assert.Single(rejections.GetMeasurementSnapshot());
        Assert.Equal(("HOLD_CYCLES", "HOLD_COOLDOWN", 1L), ((string)refusal.Tags["rule"]!, (string)refusal.Tags["code"]!, refusal.Value));
    }

    /// <summary>A booking on the flight and a session for it, signed in from <paramref name="peer"/> (not the shared ip:unknown).</summary>
    private async Task<(string Token, string PassengerId)> SignedInAsync(Peer peer, string flightId)
    {
        var pnr = CheckInApi.NewPnr();
        const string lastName = "Metrics";
        using (var booking = await Api.AdminPostAsync("/api/admin/bookings", CheckInApi.BookingDefinition(pnr, lastName, 1, flightId)))
        {
            await CheckInApi.EnsureStatusAsync(booking, 201);
        }
        using var session = await peer.SignInAsync(pnr, lastName);
        await CheckInApi.EnsureStatusAsync(session, 201);
        var body = await CheckInApi.ReadJsonAsync(session);
        return (body.GetProperty("token").GetString()!, body.GetProperty("passengers")[0].GetProperty("passengerId").GetString()!);
    }
}

/// <summary>Streams still open when the host stops: each subscriber is taken back as its stream ends with the host.</summary>
public sealed class HostMetricsShutdownTests
{
    [Fact]
    public async Task Open_streams_are_taken_back_when_the_host_shuts_down()
    {
        var factory = new CheckInApiFactory();
        var api = new CheckInApi(factory.CreateContractCheckedClient());
        using var subscribers = HostMetrics.Collect(factory.Services, "checkin.stream.subscribers");
        var flightId = await api.CreateFlightAsync();
        var traveller = await api.NewTravellerAsync(flightId);
        var seatMap = await EventStream.OpenAsync(api.Client, $"/api/flights/{flightId}/seatmap/stream", token: null);
        var notifications = await EventStream.OpenAsync(api.Client, "/api/notifications/stream", traveller.Token);
        await seatMap.NextAsync();
        await CheckInApi.EnsureStatusAsync(notifications.Response, 200);
        Assert.Equal(2, HostMetrics.Sum(subscribers));

        await factory.DisposeAsync();

        // The streams end with the host; a handler may finish its cleanup just after the host has returned.
        await Eventually.Until(
            () => Task.FromResult((HostMetrics.Sum(subscribers, ("stream", "seatmap")), HostMetrics.Sum(subscribers, ("stream", "notifications")))),
            sums => sums == (0, 0),
            "no seat-map or notification subscriber counted once the host stopped");
        await seatMap.DisposeAsync();
        await notifications.DisposeAsync();
    }
}
