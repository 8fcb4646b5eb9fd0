using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using CheckIn.Durable.Tests.Infrastructure;

namespace CheckIn.Durable.Tests;

/// <summary>
/// A durable host at Information level, driven through every path that logs (sign-in good and bad, a wrong admin key
/// and a forged token, seat holds, a conflict, confirm, release, the waitlist, check-in with a bag and its payment
/// webhook, a forged webhook, admin reads, a burst block), writes one JSON object per line, carries the trace id and
/// the seat's scopes on a seat change, and never a token, key, secret, booking reference, name or passenger id.
/// </summary>
[Collection(HostProcessCollection.Name)]
public sealed partial class LogHygieneTests(DurableServicesFixture services, ITestOutputHelper log) : IDisposable
{
    private const string Bot = "203.0.113.9";
    private const string WrongAdminKey = "wrong-admin-key-guessed-by-someone-0123";
    private const string ForgedSignature = "t=1700000000,v1=forgedforgedforgedforgedforgedforged";

    private readonly HostProcesses _hosts = new(log);

    [Fact]
    public async Task A_workload_through_every_logging_path_leaves_json_lines_with_scopes_and_no_secrets_or_names()
    {
        var db = await services.CreateDatabaseAsync();
        var settings = HostSettings.For(db, services.RedisConfiguration).WithRateLimiting(new Dictionary<string, string>
        {
            ["SeatMapPerMinute"] = "1000",
            ["SeatCommandsPerMinute"] = "1000",
            ["SessionsPerMinute"] = "1000",
        }) with
        {
            Extra = new Dictionary<string, string?>
            {
                ["Logging__LogLevel__Default"] = "Information",
                ["CheckIn__TrustedProxies__0"] = "127.0.0.1",
                ["WeightService__Bags__HEAVY01"] = "28.5",
            },
        };
        var host = _hosts.Start("host", settings);
        await host.WaitUntilReadyAsync();
        var api = host.Api;
        var flight = "LH" + Digits(3);
        var pnr = "QX" + Letters(4);
        var waiterPnr = "WZ" + Letters(4);

        // A flight of two seats, a booking of two on it, and a passenger of another booking who will wait for a seat.
        (await api.AdminPostAsync("/api/admin/flights", new
        {
            flightId = flight,
            origin = "OSL",
            destination = "BGO",
            departure = DateTimeOffset.UtcNow.AddHours(6),
            layout = new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = 1, columns = "AB" } } },
        }).ReadAsync()).Expect(HttpStatusCode.Created);
        (await api.AdminPostAsync("/api/admin/bookings", new
        {
            pnr,
            passengers = new[] { new { firstName = "Augusta", lastName = "Kingsbury" }, new { firstName = "Ottoline", lastName = "Kingsbury" } },
            flights = new[] { flight },
        }).ReadAsync()).Expect(HttpStatusCode.Created);
        var session = await SignInAsync(host, flight, pnr, "Kingsbury");
        var waiters = await api.CreateSessionAsync(flight, waiterPnr, 1);
        var (first, second, waiter) = (session.Booking.FirstPassenger, session.Booking.SecondPassenger, waiters.Passengers[0]);

        // Refusals: a wrong last name, a wrong admin key, a forged token.
        Assert.True((await PostAsync(host, "/api/sessions", new { pnr, lastName = "Kingsbyry" })).IsClientError());
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(host, HttpMethod.Get, $"/api/admin/flights/{flight}/events", admin: WrongAdminKey)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(host, HttpMethod.Get, "/api/notifications", token: session.Booking.Token[..^4] + "AAAA")).Status);

        // Seats: hold, a conflict, confirm; hold the other, the waiter joins, release (the waitlist gets the seat).
        (await api.SeatCommandAsync("hold", session.Booking, "1A", first)).Expect(HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, (await api.SeatCommandAsync("hold", session.Booking, "1A", second)).Status);
        (await api.SeatCommandAsync("confirm", session.Booking, "1A", first)).Expect(HttpStatusCode.OK);
        (await api.SeatCommandAsync("hold", session.Booking, "1B", second)).Expect(HttpStatusCode.OK);
        (await api.PassengerAsync(HttpMethod.Post, $"/api/flights/{flight}/waitlist", waiters.Booking, new { passengerId = waiter, position = "ANY" })).Expect(HttpStatusCode.Created);
        (await api.SeatCommandAsync("release", session.Booking, "1B", second)).Expect(HttpStatusCode.OK);
        await Eventually.UntilAsync(() => api.SeatAsync(flight, "1B"), s => s.ToString().Contains("CONFIRMED", StringComparison.Ordinal) || s.ToString().Contains("OFFERED", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "the released seat to go to the waiting passenger");

        // Check-in with an overweight bag, paid through the (in-process) provider, whose signed webhook resumes it.
        var checkIn = $"/api/flights/{flight}/check-ins/{first}";
        (await api.PassengerAsync(HttpMethod.Post, $"/api/flights/{flight}/check-ins", session.Booking, new { passengerIds = new[] { first } })).Expect(HttpStatusCode.OK);
        var waiting = (await api.PassengerAsync(HttpMethod.Post, $"{checkIn}/bags", session.Booking, new { bagTag = "HEAVY01" })).Expect(HttpStatusCode.OK).Read<JsonElement>();
        var intentId = waiting.GetProperty("payment").GetProperty("intentId").GetString()!;
        using (var paid = await host.Http.PostAsync(new Uri($"/sim/payments/api/intents/{intentId}/pay", UriKind.Relative), content: null))
        {
            paid.EnsureSuccessStatusCode();
        }
        await Eventually.UntilAsync(async () => (await api.PassengerAsync(HttpMethod.Get, checkIn, session.Booking)).Expect(HttpStatusCode.OK).Read<JsonElement>(),
            v => v.GetProperty("status").GetString() == "IN_PROGRESS", TimeSpan.FromSeconds(30), "the paid webhook to resume the check-in");
        var forged = await SendAsync(host, HttpMethod.Post, "/api/payments/webhook", body: new { id = "evt_forged", type = "payment_intent.succeeded", intentId }, signature: ForgedSignature);
        Assert.True(forged.IsClientError(), $"forged webhook: {forged}");

        // Admin reads, then a client that reads too fast and is blocked.
        (await api.AdminGetAsync($"/api/admin/flights/{flight}/events?seat=1A").ReadAsync()).Expect(HttpStatusCode.OK);
        (await api.AdminGetAsync($"/api/admin/flights/{flight}/waitlist").ReadAsync()).Expect(HttpStatusCode.OK);
        (await api.AdminGetAsync($"/api/admin/flights/{flight}/check-in-events?passengerId={first}").ReadAsync()).Expect(HttpStatusCode.OK);
        var blocked = false;
        for (var i = 0; i < 60 && !blocked; i++)
        {
            var read = await SendAsync(host, HttpMethod.Get, $"/api/flights/{flight}/seatmap", client: Bot);
            blocked = read.Status == HttpStatusCode.TooManyRequests && read.Body.Contains("CLIENT_BLOCKED", StringComparison.Ordinal);
        }
        Assert.True(blocked, "the bot was not blocked within 60 reads");

        // SIGTERM lets the console logger write out its queue before the process ends.
        host.Terminate();
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var lines = HostLines(host.Output);
        log.WriteLine($"{lines.Count} log lines captured");

        var notJson = lines.Where(l => !IsJsonObject(l)).ToList();
        Assert.True(notJson.Count == 0, $"{notJson.Count} lines are not one JSON object each:\n{string.Join('\n', notJson.Take(20))}");

        var forbidden = new Dictionary<string, string>
        {
            ["session token"] = session.Booking.Token,
            ["waiter's session token"] = waiters.Booking.Token,
            ["admin key"] = HostSettings.TestAdminKey,
            ["wrong admin key"] = WrongAdminKey,
            ["token signing key"] = HostSettings.SigningKey,
            ["webhook secret"] = HostSettings.WebhookSecret,
            ["forged webhook signature"] = ForgedSignature,
            ["PNR"] = pnr,
            ["waiter's PNR"] = waiterPnr,
            ["last name"] = "Kingsbury",
            ["mistyped last name"] = "Kingsbyry",
            ["waiter's last name"] = "Lovelace",
            ["full name"] = "Augusta Kingsbury",
            ["first name"] = "Ottoline",
            ["passenger id"] = first,
            ["second passenger id"] = second,
            ["waiter's passenger id"] = waiter,
        };
        var leaks = forbidden
            .SelectMany(f => lines.Where(l => l.Contains(f.Value, StringComparison.OrdinalIgnoreCase)).Select(l => $"{f.Key}: {l}"))
            .ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} log lines leak:\n{string.Join('\n', leaks.Take(40))}");

        // A seat change carries the request's trace id and the seat's scopes, the passenger by pseudonym.
        var seatChanges = lines.Select(Parse).Where(e => Scope(e, "FlightId") == flight && Scope(e, "SeatNumber") == "1A").ToList();
        Assert.True(seatChanges.Count > 0, $"no log line carries FlightId {flight} and SeatNumber 1A as scopes");
        Assert.Contains(seatChanges, e => Scope(e, "TraceId") is { Length: 32 } && Scope(e, "Passenger") is { } p && PseudonymPattern().IsMatch(p));
    }

    public void Dispose() => _hosts.Dispose();

    /// <summary>The host's own lines: HostProcess prefixes each with seconds since start and adds <c>[test]</c> lines.</summary>
    private static List<string> HostLines(string output) =>
        [.. output.Split('\n')
            .Select(l => OutputPrefix().Replace(l.TrimEnd('\r'), ""))
            .Where(l => l.Length > 0 && !l.StartsWith("[test]", StringComparison.Ordinal))];

    private static bool IsJsonObject(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonElement Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        return document.RootElement.Clone();
    }

    /// <summary>A scope value of a JSON console line (the framework writes dictionary scopes as objects in <c>Scopes</c>).</summary>
    private static string? Scope(JsonElement entry, string name) =>
        entry.TryGetProperty("Scopes", out var scopes) && scopes.ValueKind == JsonValueKind.Array
            ? scopes.EnumerateArray()
                .Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _))
                .Select(s => s.GetProperty(name).ToString())
                .FirstOrDefault()
            : null;

    private async Task<(TestBooking Booking, IReadOnlyList<string> Passengers)> SignInAsync(HostProcess host, string flight, string pnr, string lastName)
    {
        var answer = (await PostAsync(host, "/api/sessions", new { pnr, lastName })).Expect(HttpStatusCode.Created).Read<JsonElement>();
        var ids = answer.GetProperty("passengers").EnumerateArray().Select(p => p.GetProperty("passengerId").GetString()!).ToList();
        return (new TestBooking(flight, pnr, ids[0], ids[1], answer.GetProperty("token").GetString()!), ids);
    }

    private static Task<ApiResponse> PostAsync(HostProcess host, string path, object body) =>
        SendAsync(host, HttpMethod.Post, path, body: body);

    private static Task<ApiResponse> SendAsync(HostProcess host, HttpMethod method, string path, object? body = null,
        string? admin = null, string? token = null, string? client = null, string? signature = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : CheckInApi.JsonBody(body) };
        if (client is not null)
        {
            request.Headers.Add("X-Forwarded-For", client);
        }
        if (signature is not null)
        {
            request.Headers.Add("Payment-Signature", signature);
        }
        return host.Api.SendAsync(request, token, adminKey: admin).ReadAsync();
    }

    // Letters outside hex (a-f) and digits: a booking reference made of them cannot turn up inside a trace id or a hash.
    private static string Letters(int count) => RandomNumberGenerator.GetString("GHJKLMNPQRSTUVWXYZ", count);

    private static string Digits(int count) => RandomNumberGenerator.GetString("0123456789", count);

    [GeneratedRegex(@"^\s*\d+\.\d\d ")]
    private static partial Regex OutputPrefix();

    [GeneratedRegex("^psg_[0-9a-f]{16}$")]
    private static partial Regex PseudonymPattern();
}

internal static class ApiResponseChecks
{
    public static bool IsClientError(this ApiResponse response) => (int)response.Status is >= 400 and < 500;
}
