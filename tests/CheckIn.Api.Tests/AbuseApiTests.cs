using System.Globalization;
using System.Text.Json;
using CheckIn.Api.Tests.Infrastructure;

namespace CheckIn.Api.Tests;

/// <summary>
/// Abuse protection over HTTP on its own host (limits at their defaults, fake clock): who the client is, the
/// per-minute limits, blocks and what they cover, and the admin API. Each test speaks from its own peer addresses.
/// </summary>
[Collection(AbuseCollection.Name)]
public sealed class AbuseApiTests(AbuseFixture fixture)
{
    private const int BurstReads = 30;

    private CheckInApi Api => fixture.Api;

    private Peer Admin => new(Api, "192.0.2.250");

    [Fact]
    public async Task Sixty_seat_map_reads_a_minute_pass_and_the_61st_is_rate_limited()
    {
        var flightId = await Api.CreateFlightAsync();
        var peer = new Peer(Api, "203.0.113.10");
        // Twenty at a time, six seconds apart: never more than 30 within 5 s, so only the minute limit applies.
        for (var round = 0; round < 3; round++)
        {
            if (round > 0)
            {
                await fixture.AdvanceAsync(TimeSpan.FromSeconds(6));
            }
            for (var i = 0; i < 20; i++)
            {
                using var ok = await peer.SeatMapAsync(flightId);
                await CheckInApi.EnsureStatusAsync(ok, 200);
            }
        }
        using var limited = await peer.SeatMapAsync(flightId);
        var problem = await ProblemAssert.IsProblemAsync(limited, 429, "RATE_LIMITED");
        AssertRetryAfter(limited, problem, atMost: 60);
        Assert.Contains("60 seat-map reads per minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Another client is not affected.
        using var other = await new Peer(Api, "203.0.113.11").SeatMapAsync(flightId);
        await CheckInApi.EnsureStatusAsync(other, 200);
    }

    [Fact]
    public async Task Twenty_seat_commands_a_minute_pass_and_the_21st_is_rate_limited()
    {
        var flightId = await Api.CreateFlightAsync();
        var traveller = await Api.NewTravellerAsync(flightId);
        var peer = new Peer(Api, "203.0.113.20");
        // Releasing a seat the passenger does not hold is refused by the seat, but it is a seat command all the same
        // (and no hold/release cycle, so the passenger's hold cooldown stays out of it).
        for (var i = 0; i < 20; i++)
        {
            using var refused = await peer.PostAsync($"/api/flights/{flightId}/seats/3A/release", new { passengerId = traveller.PassengerId }, traveller.Token);
            Assert.NotEqual(429, (int)refused.StatusCode);
        }
        using var limited = await peer.PostAsync($"/api/flights/{flightId}/seats/3A/hold", new { passengerId = traveller.PassengerId }, traveller.Token);
        var problem = await ProblemAssert.IsProblemAsync(limited, 429, "RATE_LIMITED");
        AssertRetryAfter(limited, problem, atMost: 60);

        // Seat commands and seat-map reads are counted apart.
        using var read = await peer.SeatMapAsync(flightId);
        await CheckInApi.EnsureStatusAsync(read, 200);
    }

    [Fact]
    public async Task Ten_sign_ins_a_minute_pass_and_the_11th_is_rate_limited()
    {
        var peer = new Peer(Api, "203.0.113.30");
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await peer.SignInAsync();
            await ProblemAssert.IsProblemAsync(wrong, 401, "INVALID_CREDENTIALS");
        }
        using var limited = await peer.SignInAsync();
        var problem = await ProblemAssert.IsProblemAsync(limited, 429, "RATE_LIMITED");
        AssertRetryAfter(limited, problem, atMost: 60);
    }

    [Fact]
    public async Task Wrong_admin_keys_are_limited_like_sign_ins_and_the_right_key_is_never_counted()
    {
        var peer = new Peer(Api, "203.0.113.40");
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await peer.GetAsync("/api/admin/abuse/blocks", adminKey: i % 2 == 0 ? "wrong-key" : null);
            await ProblemAssert.IsProblemAsync(wrong, 401, "ADMIN_KEY_INVALID");
        }
        using var limited = await peer.GetAsync("/api/admin/abuse/blocks", adminKey: "guess-eleven");
        var problem = await ProblemAssert.IsProblemAsync(limited, 429, "RATE_LIMITED");
        AssertRetryAfter(limited, problem, atMost: 60);

        for (var i = 0; i < 12; i++)
        {
            using var right = await peer.GetAsync("/api/admin/abuse/blocks", adminKey: CheckInApi.DevAdminKey);
            await CheckInApi.EnsureStatusAsync(right, 200);
        }
    }

    [Fact]
    public async Task A_burst_blocks_the_client_on_every_api_endpoint_but_not_health_or_the_webhook_and_an_admin_lifts_it()
    {
        var flightId = await Api.CreateFlightAsync();
        var traveller = await Api.NewTravellerAsync(flightId);
        var peer = new Peer(Api, "203.0.113.50");
        for (var i = 0; i < BurstReads; i++)
        {
            using var ok = await peer.SeatMapAsync(flightId);
            await CheckInApi.EnsureStatusAsync(ok, 200);
        }
        using (var blocked = await peer.SeatMapAsync(flightId))
        {
            var problem = await ProblemAssert.IsProblemAsync(blocked, 429, "CLIENT_BLOCKED");
            AssertRetryAfter(blocked, problem, atMost: 15 * 60);
            Assert.True(RetryAfterSeconds(blocked) > 14 * 60, "A burst blocks for 15 minutes.");
        }

        // Every limited endpoint, and the rest of /api too.
        using (var hold = await peer.PostAsync($"/api/flights/{flightId}/seats/3A/hold", new { passengerId = traveller.PassengerId }, traveller.Token))
        {
            await ProblemAssert.IsProblemAsync(hold, 429, "CLIENT_BLOCKED");
        }
        using (var signIn = await peer.SignInAsync(traveller.Pnr, traveller.LastName))
        {
            await ProblemAssert.IsProblemAsync(signIn, 429, "CLIENT_BLOCKED");
        }
        using (var checkIn = await peer.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/flights/{flightId}/check-ins/{traveller.PassengerId}"), traveller.Token))
        {
            await ProblemAssert.IsProblemAsync(checkIn, 429, "CLIENT_BLOCKED");
        }
        using (var admin = await peer.GetAsync("/api/admin/abuse/blocks", adminKey: CheckInApi.DevAdminKey))
        {
            await ProblemAssert.IsProblemAsync(admin, 429, "CLIENT_BLOCKED");
        }
        // Not limited at all: health, and the payment webhook (it has its signature; the provider is never locked out).
        using (var health = await peer.GetAsync("/health/ready"))
        {
            await CheckInApi.EnsureStatusAsync(health, 200);
        }
        using (var webhook = await peer.PostAsync("/api/payments/webhook", new { id = "evt_1" }))
        {
            await ProblemAssert.IsProblemAsync(webhook, 401, "WEBHOOK_SIGNATURE_INVALID");
        }

        // The admin sees the block and its incident, and lifts it.
        var clientKey = "ip:203.0.113.50";
        var block = await FindBlockAsync(clientKey);
        Assert.NotNull(block);
        Assert.Equal("BURST", block.Value.GetProperty("rule").GetString());
        var incidents = await IncidentsAsync($"client={Uri.EscapeDataString(clientKey)}");
        var blockedIncident = Assert.Single(incidents, i => i.GetProperty("decision").GetString() == "BLOCKED");
        Assert.Equal("BURST", blockedIncident.GetProperty("rule").GetString());
        Assert.Equal(BurstReads + 1, blockedIncident.GetProperty("observedCount").GetInt32());
        Assert.Equal(5, blockedIncident.GetProperty("windowSeconds").GetDouble());
        Assert.Equal("system", blockedIncident.GetProperty("actor").GetString());

        using (var lift = await Admin.DeleteAsync($"/api/admin/abuse/blocks/{Uri.EscapeDataString(clientKey)}"))
        {
            await CheckInApi.EnsureStatusAsync(lift, 204);
        }
        using (var again = await peer.SeatMapAsync(flightId))
        {
            await CheckInApi.EnsureStatusAsync(again, 200);
        }
        Assert.Null(await FindBlockAsync(clientKey));
        var newest = (await IncidentsAsync($"client={Uri.EscapeDataString(clientKey)}"))[0];
        Assert.Equal("BLOCK_LIFTED", newest.GetProperty("decision").GetString());
        Assert.Equal("admin", newest.GetProperty("actor").GetString());

        using var liftAgain = await Admin.DeleteAsync($"/api/admin/abuse/blocks/{Uri.EscapeDataString(clientKey)}");
        await ProblemAssert.IsProblemAsync(liftAgain, 404, "NOT_FOUND", "clientKey");
    }

    [Fact]
    public async Task A_block_expires_by_itself_after_fifteen_minutes()
    {
        var flightId = await Api.CreateFlightAsync();
        var peer = new Peer(Api, "203.0.113.70");
        for (var i = 0; i <= BurstReads; i++)
        {
            using var read = await peer.SeatMapAsync(flightId);
        }
        using (var blocked = await peer.SeatMapAsync(flightId))
        {
            await ProblemAssert.IsProblemAsync(blocked, 429, "CLIENT_BLOCKED");
        }

        await fixture.AdvanceAsync(new TimeSpan(0, 14, 59));
        using (var stillBlocked = await peer.SeatMapAsync(flightId))
        {
            var problem = await ProblemAssert.IsProblemAsync(stillBlocked, 429, "CLIENT_BLOCKED");
            AssertRetryAfter(stillBlocked, problem, atMost: 1);
        }

        await fixture.AdvanceAsync(TimeSpan.FromSeconds(2));
        using var free = await peer.SeatMapAsync(flightId);
        await CheckInApi.EnsureStatusAsync(free, 200);
        Assert.Null(await FindBlockAsync("ip:203.0.113.70"));
    }

    [Fact]
    public async Task A_spoofed_forwarded_header_from_an_untrusted_peer_changes_nothing()
    {
        var flightId = await Api.CreateFlightAsync();
        var spoofer = new Peer(Api, "203.0.113.80", ForwardedFor: "198.51.100.80");
        await BurstAsync(spoofer, flightId);

        Assert.NotNull(await FindBlockAsync("ip:203.0.113.80"));
        Assert.Null(await FindBlockAsync("ip:198.51.100.80"));
        using var victim = await new Peer(Api, "198.51.100.80").SeatMapAsync(flightId);
        await CheckInApi.EnsureStatusAsync(victim, 200);
    }

    [Fact]
    public async Task Behind_trusted_proxies_the_right_most_untrusted_hop_is_the_client()
    {
        var flightId = await Api.CreateFlightAsync();
        // The client wrote its own (spoofed) first entry; 10.1.2.3 is a second trusted proxy in the chain.
        var viaProxies = new Peer(Api, "10.0.0.5", ForwardedFor: "192.0.2.99, 198.51.100.90, 10.1.2.3");
        await BurstAsync(viaProxies, flightId);

        Assert.NotNull(await FindBlockAsync("ip:198.51.100.90"));
        Assert.Null(await FindBlockAsync("ip:10.0.0.5"));
        Assert.Null(await FindBlockAsync("ip:192.0.2.99"));
        // The same client directly, or through the proxy alone: blocked. The proxy's other clients: not.
        using (var direct = await new Peer(Api, "198.51.100.90").SeatMapAsync(flightId))
        {
            await ProblemAssert.IsProblemAsync(direct, 429, "CLIENT_BLOCKED");
        }
        using var neighbour = await new Peer(Api, "10.0.0.5", ForwardedFor: "198.51.100.91").SeatMapAsync(flightId);
        await CheckInApi.EnsureStatusAsync(neighbour, 200);
    }

    [Fact]
    public async Task A_known_api_key_is_a_client_of_its_own_with_its_own_limits()
    {
        var partner = new Peer(Api, "203.0.113.100", ApiKey: AbuseFixture.PartnerKey);
        for (var i = 0; i < AbuseFixture.PartnerSessionsPerMinute; i++)
        {
            using var wrong = await partner.SignInAsync();
            await ProblemAssert.IsProblemAsync(wrong, 401, "INVALID_CREDENTIALS");
        }
        using (var limited = await partner.SignInAsync())
        {
            var problem = await ProblemAssert.IsProblemAsync(limited, 429, "RATE_LIMITED");
            Assert.Contains($"{AbuseFixture.PartnerSessionsPerMinute} sign-in attempts per minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain(AbuseFixture.PartnerKey, problem.GetRawText(), StringComparison.Ordinal);
        }
        // The same address without the key (or with an unknown one) is another client, with the default limits.
        using var plain = await new Peer(Api, "203.0.113.100", ApiKey: "not-a-configured-key-000000").SignInAsync();
        await ProblemAssert.IsProblemAsync(plain, 401, "INVALID_CREDENTIALS");
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2030-06-01T09:30:00", "from")]
    [InlineData("to=2030-13-01T00:00:00Z", "to")]
    [InlineData("from=2030-06-02T00:00:00Z&to=2030-06-01T00:00:00Z", "to")]
    [InlineData("rule=burst", "rule")]
    [InlineData("rule=NOPE", "rule")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=1001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("client=someone", "client")]
    public async Task Incident_queries_with_bad_input_are_400_naming_the_parameter(string query, string field)
    {
        using var response = await Admin.GetAsync($"/api/admin/abuse/incidents?{query}", adminKey: CheckInApi.DevAdminKey);
        await ProblemAssert.IsProblemAsync(response, 400, "VALIDATION_FAILED", field);
    }

    [Fact]
    public async Task Incidents_filter_by_rule_client_and_time_newest_first()
    {
        var flightId = await Api.CreateFlightAsync();
        var since = fixture.Clock.GetUtcNow().AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture);
        await BurstAsync(new Peer(Api, "203.0.113.110"), flightId);
        await BurstAsync(new Peer(Api, "203.0.113.111"), flightId);

        var both = await IncidentsAsync($"rule=BURST&from={Uri.EscapeDataString(since)}&limit=1000");
        var mine = both.Where(i => i.GetProperty("clientKey").GetString() is "ip:203.0.113.110" or "ip:203.0.113.111").ToList();
        Assert.Equal(2, mine.Count);
        var times = both.Select(i => i.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);
        Assert.All(both, i => Assert.Equal("BURST", i.GetProperty("rule").GetString()));

        Assert.Single(await IncidentsAsync("client=ip%3A203.0.113.111"));
        Assert.Single(await IncidentsAsync($"rule=BURST&from={Uri.EscapeDataString(since)}&limit=1"));
        Assert.Empty(await IncidentsAsync("rule=SCRAPE&client=ip%3A203.0.113.110"));
        Assert.Empty(await IncidentsAsync($"client=ip%3A203.0.113.110&to={Uri.EscapeDataString(since)}"));
    }

    [Fact]
    public async Task Lifting_needs_a_client_key()
    {
        using var bad = await Admin.DeleteAsync("/api/admin/abuse/blocks/not-a-key");
        await ProblemAssert.IsProblemAsync(bad, 400, "VALIDATION_FAILED", "clientKey");
        using var none = await Admin.DeleteAsync("/api/admin/abuse/blocks/ip%3A192.0.2.1");
        await ProblemAssert.IsProblemAsync(none, 404, "NOT_FOUND", "clientKey");
        using var noKey = await Admin.DeleteAsync("/api/admin/abuse/blocks/ip%3A192.0.2.1", adminKey: null);
        await ProblemAssert.IsProblemAsync(noKey, 401, "ADMIN_KEY_INVALID");
    }

    private static async Task BurstAsync(Peer peer, string flightId)
    {
        for (var i = 0; i < BurstReads; i++)
        {
            using var ok = await peer.SeatMapAsync(flightId);
            await CheckInApi.EnsureStatusAsync(ok, 200);
        }
        using var blocked = await peer.SeatMapAsync(flightId);
        await ProblemAssert.IsProblemAsync(blocked, 429, "CLIENT_BLOCKED");
    }

    private async Task<JsonElement?> FindBlockAsync(string clientKey)
    {
        using var response = await Admin.GetAsync("/api/admin/abuse/blocks", adminKey: CheckInApi.DevAdminKey);
        await CheckInApi.EnsureStatusAsync(response, 200);
        var blocks = await CheckInApi.ReadJsonAsync(response);
        return blocks.EnumerateArray().Where(b => b.GetProperty("clientKey").GetString() == clientKey).Select(b => (JsonElement?)b).FirstOrDefault();
    }

    private async Task<List<JsonElement>> IncidentsAsync(string query)
    {
        using var response = await Admin.GetAsync($"/api/admin/abuse/incidents?{query}", adminKey: CheckInApi.DevAdminKey);
        await CheckInApi.EnsureStatusAsync(response, 200);
        return [.. (await CheckInApi.ReadJsonAsync(response)).EnumerateArray()];
    }

    private static long RetryAfterSeconds(HttpResponseMessage response) =>
        long.Parse(response.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);

    private void AssertRetryAfter(HttpResponseMessage response, JsonElement problem, int atMost)
    {
        var seconds = RetryAfterSeconds(response);
        Assert.InRange(seconds, 1, atMost);
        var retryAt = DateTimeOffset.Parse(problem.GetProperty("retryAt").GetString()!, CultureInfo.InvariantCulture);
        // Retry-After is retryAt in whole seconds from now, rounded up.
        Assert.InRange((retryAt - fixture.Clock.GetUtcNow()).TotalSeconds, seconds - 1, seconds);
    }
}
