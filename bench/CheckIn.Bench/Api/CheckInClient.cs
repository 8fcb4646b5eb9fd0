using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace CheckIn.Bench.Api;

/// <summary>The REST calls the bench makes: admin setup (with retries) and the requests under load.</summary>
internal sealed class CheckInClient(HttpClient http, string adminKey)
{
    public const string LastName = "Bench";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    public HttpClient Http { get; } = http;

    /// <summary>Creates a flight; it departs at 09:00 UTC two days ahead unless <paramref name="departure"/> says otherwise.</summary>
    public async Task CreateFlightAsync(string flightId, int rows, string columns, CancellationToken cancellationToken, DateTimeOffset? departure = null)
    {
        var body = new
        {
            flightId,
            origin = "LHR",
            destination = "CDG",
            departure = departure ?? new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(2).AddHours(9), TimeSpan.Zero),
            layout = new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = rows, columns } } },
        };
        await SetupAsync(() => AdminPost("/api/admin/flights", body), $"create flight {flightId}", cancellationToken);
    }

    /// <summary>Creates the booking; false when the PNR is taken (by an earlier run on the same host).</summary>
    public async Task<bool> CreateBookingAsync(string pnr, int passengers, IReadOnlyList<string> flights, CancellationToken cancellationToken)
    {
        var body = new
        {
            pnr,
            passengers = Enumerable.Range(1, passengers).Select(i => new { firstName = $"P{i}", lastName = LastName }).ToArray(),
            flights,
        };
        var outcome = await SetupAsync(() => AdminPost("/api/admin/bookings", body), $"create booking {pnr}", cancellationToken, allowConflict: true);
        return outcome.Status != 409;
    }

    public async Task<string> CreateSessionAsync(string pnr, CancellationToken cancellationToken)
    {
        var outcome = await SetupAsync(
            () => new HttpRequestMessage(HttpMethod.Post, "/api/sessions") { Content = JsonContent.Create(new { pnr, lastName = LastName }) },
            $"session for {pnr}", cancellationToken, keepBody: true);
        using var session = JsonDocument.Parse(outcome.Body!);
        return session.RootElement.GetProperty("token").GetString()!;
    }

    public static HttpRequestMessage SeatCommand(string command, string flightId, string seatNumber, string passengerId, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/flights/{flightId}/seats/{seatNumber}/{command}")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes($"{{\"passengerId\":\"{passengerId}\"}}")) { Headers = { ContentType = JsonType } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>A passenger request with a JSON body (or none), as the booking's session.</summary>
    public static HttpRequestMessage Passenger(HttpMethod method, string path, string token, string? jsonBody = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(jsonBody)) { Headers = { ContentType = JsonType } };
        }
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public static HttpRequestMessage SeatMap(string path, string? ifNoneMatch)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        return request;
    }

    public static string SeatMapPath(string flightId) => $"/api/flights/{flightId}/seatmap";

    public async Task<SeatMapState> ReadSeatMapAsync(string flightId, CancellationToken cancellationToken)
    {
        var outcome = await SetupAsync(() => SeatMap(SeatMapPath(flightId), null), $"seat map {flightId}", cancellationToken, keepBody: true);
        return SeatMapState.Parse(outcome.Body!, outcome.ETag);
    }

    /// <summary>The seat's audit trail (oldest first): <c>(to, passengerId)</c> per event.</summary>
    public async Task<IReadOnlyList<(string To, string? PassengerId)>> SeatEventsAsync(string flightId, string seatNumber, CancellationToken cancellationToken)
    {
        var outcome = await SetupAsync(
            () => AdminRequest(HttpMethod.Get, $"/api/admin/flights/{flightId}/events?seat={seatNumber}", null),
            $"events of {flightId}/{seatNumber}", cancellationToken, keepBody: true);
        using var events = JsonDocument.Parse(outcome.Body!);
        return [.. events.RootElement.EnumerateArray().Select(e => (
            e.GetProperty("to").GetString()!,
            e.TryGetProperty("passengerId", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null))];
    }

    private HttpRequestMessage AdminPost(string path, object body) => AdminRequest(HttpMethod.Post, path, JsonContent.Create(body, options: Json));

    private HttpRequestMessage AdminRequest(HttpMethod method, string path, HttpContent? content)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Admin-Key", adminKey);
        return request;
    }

    /// <summary>Setup calls retry what a busy host may answer (503, no answer) and fail the run on anything else.</summary>
    private async Task<HttpOutcome> SetupAsync(
        Func<HttpRequestMessage> request, string what, CancellationToken cancellationToken, bool keepBody = false, bool allowConflict = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await HttpExchange.SendAsync(Http, request(), keepBody, cancellationToken);
            if (outcome.IsSuccess || (allowConflict && outcome.Status == 409))
            {
                return outcome;
            }
            if ((outcome.Status is 503 or HttpOutcome.NoAnswer) && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
                continue;
            }
            var detail = outcome.Body is null ? "" : Encoding.UTF8.GetString(outcome.Body);
            throw new BenchException($"Setup failed: {what} answered {outcome.Describe()} {detail}");
        }
    }
}

/// <summary>A failure that ends the run with a message (no stack trace).</summary>
internal sealed class BenchException(string message) : Exception(message);
