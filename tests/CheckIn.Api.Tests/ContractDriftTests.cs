using System.Net;
using System.Text;
using CheckIn.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace CheckIn.Api.Tests;

/// <summary>
/// Where the host and API-SPECIFICATION.yml used to disagree: unknown request properties, the admin key checked
/// after the body, 413 without its own code, and the response check itself (every other test relies on it).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContractDriftTests(ApiFixture fixture)
{
    private readonly CheckInApi _api = fixture.Api;

    [Theory]
    [InlineData("""{"flightId":"X1","nonsense":""", "application/json")]
    [InlineData("""{"flightId":"X1"}""", "text/plain")]
    [InlineData("""[1,2,3]""", "application/json")]
    public async Task Without_the_admin_key_a_bad_body_is_still_401(string body, string contentType)
    {
        var flightId = await _api.CreateFlightAsync();

        foreach (var path in new[] { "/api/admin/flights", "/api/admin/bookings", $"/api/admin/flights/{flightId}/seats/3A/block", $"/api/admin/flights/{flightId}/seats/3A/unblock" })
        {
            using var response = await _api.PostRawAsync(path, body, contentType);
            await ProblemAssert.IsProblemAsync(response, 401, "ADMIN_KEY_INVALID");
        }
    }

    [Fact]
    public async Task An_unknown_property_in_a_request_body_is_refused_naming_it()
    {
        var flightId = await _api.CreateFlightAsync();
        var traveller = await _api.NewTravellerAsync(flightId);

        using var session = await _api.PostJsonAsync("/api/sessions", new { pnr = traveller.Pnr, lastName = traveller.LastName, rememberMe = true });
        using var hold = await _api.PostJsonAsync($"/api/flights/{flightId}/seats/3A/hold", new { passengerId = traveller.PassengerId, seatNumbr = "3B" }, traveller.Token);
        var definition = CheckInApi.FlightDefinition(CheckInApi.NewFlightId());
        using var flight = await _api.AdminPostAsync("/api/admin/flights", new { definition });

        await ProblemAssert.IsProblemAsync(session, 400, "MALFORMED_REQUEST", "rememberMe");
        await ProblemAssert.IsProblemAsync(hold, 400, "MALFORMED_REQUEST", "seatNumbr");
        await ProblemAssert.IsProblemAsync(flight, 400, "MALFORMED_REQUEST", "definition");
        var map = await _api.GetSeatMapAsync(flightId);
        Assert.Equal("AVAILABLE", WaitlistSteps.SeatStatus(map, "3A"));
    }

    [Fact]
    public async Task An_unknown_property_deep_in_a_flight_layout_is_named_by_its_path()
    {
        using var response = await _api.AdminPostAsync("/api/admin/flights", new
        {
            flightId = CheckInApi.NewFlightId(),
            origin = "LHR",
            destination = "CDG",
            departure = new DateTimeOffset(2030, 6, 1, 9, 30, 0, TimeSpan.Zero),
            layout = new { cabins = new object[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = 2, columns = "AB", rows = 2 } } },
        });

        await ProblemAssert.IsProblemAsync(response, 400, "MALFORMED_REQUEST", "layout.cabins[0].rows");
    }

    [Fact]
    public async Task A_body_over_the_servers_limit_is_413_payload_too_large()
    {
        // The test server has no body limit; Kestrel does, so this host listens on a real loopback socket.
        await using var host = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
        });
        host.UseKestrel(options =>
        {
            options.Listen(IPAddress.Loopback, 0);
            options.Limits.MaxRequestBodySize = 1024;
        });
        host.StartServer();
        var address = host.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var client = host.CreateDefaultClient(new Uri(address), new ContractCheckingHandler());
        var api = new CheckInApi(client);
        var big = $$"""{"pnr":"{{new string('A', 4096)}}","lastName":"Smith"}""";

        using var session = await api.PostRawAsync("/api/sessions", big);
        using var flight = await api.AdminPostAsync("/api/admin/flights", new { flightId = new string('F', 4096) });
        using var webhook = await api.PostRawAsync("/api/payments/webhook", big);

        await ProblemAssert.IsProblemAsync(session, 413, "PAYLOAD_TOO_LARGE", "body");
        await ProblemAssert.IsProblemAsync(flight, 413, "PAYLOAD_TOO_LARGE", "body");
        await ProblemAssert.IsProblemAsync(webhook, 413, "PAYLOAD_TOO_LARGE", "body");
    }

    [Fact]
    public async Task A_webhook_body_over_its_own_64_KB_limit_is_413_payload_too_large_and_read_no_further()
    {
        // Under the server's limit, over the webhook's: the webhook refuses it before looking at the signature.
        var big = $$"""{"id":"evt_1","reference":"{{new string('x', 70 * 1024)}}"}""";

        using var webhook = await _api.PostRawAsync("/api/payments/webhook", big);

        await ProblemAssert.IsProblemAsync(webhook, 413, "PAYLOAD_TOO_LARGE", "body");
    }

    [Fact]
    public async Task The_response_check_refuses_a_body_missing_a_required_property()
    {
        // A boarding pass without "bags": the drift this check was written to catch.
        var pass = """
            {"flightId":"SH101","passengerId":"ABC123-1","pnr":"ABC123","firstName":"A","lastName":"B","origin":"LHR","destination":"CDG",
             "departure":"2030-06-01T09:30:00+00:00","boardingTime":"2030-06-01T08:50:00+00:00","seatNumber":"3A","cabin":"ECONOMY",
             "sequenceNumber":1,"bcbp":"M1B/A                 EABC123 LHRCDGSH 0101 152Y003A0001 100","issuedAt":"2030-06-01T00:00:00+00:00",
             "qrCodeUrl":"/x.png"}
            """;
        var path = "/api/flights/SH101/check-ins/ABC123-1/boarding-pass";

        var missing = await CheckAsync(HttpMethod.Get, path, HttpStatusCode.OK, "application/json", pass);
        var complete = await CheckAsync(HttpMethod.Get, path, HttpStatusCode.OK, "application/json", pass.Replace("\"qrCodeUrl\"", "\"bags\":0,\"qrCodeUrl\"", StringComparison.Ordinal));

        Assert.Contains("Required properties [\"bags\"]", Assert.Single(missing), StringComparison.Ordinal);
        Assert.Empty(complete);
    }

    [Fact]
    public async Task The_response_check_refuses_undocumented_statuses_content_types_extra_properties_and_missing_headers()
    {
        var problem = """{"type":"t","title":"t","status":413,"code":"PAYLOAD_TOO_LARGE","traceId":"x"}""";
        var seat = """{"flightId":"SH101","seatNumber":"3A","status":"HELD","passengerId":"ABC123-1","holdExpiresAt":"2030-06-01T00:00:00+00:00"}""";
        var hold = "/api/flights/SH101/seats/3A/hold";

        Assert.Contains("does not document", Assert.Single(await CheckAsync(HttpMethod.Get, "/api/flights/SH101/seatmap", HttpStatusCode.RequestEntityTooLarge, "application/problem+json", problem)));
        Assert.Contains("Content-Type text/plain", Assert.Single(await CheckAsync(HttpMethod.Post, hold, HttpStatusCode.OK, "text/plain", seat)));
        Assert.Contains("at '/seatClass'", Assert.Single(await CheckAsync(HttpMethod.Post, hold, HttpStatusCode.OK, "application/json", seat.Replace("}", ",\"seatClass\":\"Y\"}", StringComparison.Ordinal))));
        Assert.Contains(await CheckAsync(HttpMethod.Post, "/api/sessions", HttpStatusCode.Created, "application/json", "{}"), e => e.Contains("required header Location", StringComparison.Ordinal));
        Assert.Empty(await CheckAsync(HttpMethod.Post, hold, HttpStatusCode.OK, "application/json", seat));
        Assert.Empty(await CheckAsync(HttpMethod.Get, "/swagger/v1/swagger.json", HttpStatusCode.OK, "application/json", "{}"));
    }

    private static Task<IReadOnlyList<string>> CheckAsync(HttpMethod method, string path, HttpStatusCode status, string contentType, string body)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        return ResponseContract.Current.CheckAsync(method, path, response);
    }
}
