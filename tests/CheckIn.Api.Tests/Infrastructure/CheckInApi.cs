using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>A passenger with a session: their booking, their passenger ids and their bearer token.</summary>
public sealed record Traveller(string Pnr, string LastName, IReadOnlyList<string> PassengerIds, string Token)
{
    public string PassengerId => PassengerIds[0];
}

/// <summary>
/// Speaks to one host over HTTP the way a client would. Every test makes its own flight and booking through the
/// admin API, so no test depends on another's data or on the order tests run in.
/// </summary>
public sealed class CheckInApi(HttpClient client)
{
    public const string AdminKey = "dev-admin-key";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public HttpClient Client { get; } = client;

    /// <summary>"T" and eight upper-case hex digits: a valid flight id no other test uses.</summary>
    public static string NewFlightId() => "T" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4));

    /// <summary>Six random upper-case letters and digits.</summary>
    public static string NewPnr() => RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 6);

    public static string NewIdempotencyKey() => $"test-{Guid.NewGuid():N}";

    /// <summary>
    /// Two cabins: business rows 1-2 (AC_DF), economy rows 3-6 (ABC_DEF); row 5 is an exit row, seat 6F is blocked.
    /// </summary>
    public static object FlightDefinition(string flightId, string destination = "CDG", DateTimeOffset? departure = null) => new
    {
        flightId,
        origin = "LHR",
        destination,
        departure = departure ?? new DateTimeOffset(2030, 6, 1, 9, 30, 0, TimeSpan.Zero),
        layout = new
        {
            cabins = new object[]
            {
                new { cabin = "BUSINESS", firstRow = 1, lastRow = 2, columns = "AC_DF" },
                new { cabin = "ECONOMY", firstRow = 3, lastRow = 6, columns = "ABC_DEF" },
            },
            exitRows = new[] { 5 },
            extraLegroomRows = new[] { 3 },
            blockedSeats = new[] { "6F" },
            skippedRows = Array.Empty<int>(),
        },
    };

    public static object BookingDefinition(string pnr, string lastName, int passengers, params string[] flights) => new
    {
        pnr,
        passengers = Enumerable.Range(1, passengers).Select(i => new { firstName = $"Pax{i}", lastName }).ToArray(),
        flights,
    };

    /// <summary>A new flight; by default it departs in 2030, far outside the check-in window.</summary>
    public async Task<string> CreateFlightAsync(DateTimeOffset? departure = null)
    {
        var flightId = NewFlightId();
        using var response = await AdminPostAsync("/api/admin/flights", FlightDefinition(flightId, departure: departure));
        await EnsureStatusAsync(response, 201);
        return flightId;
    }

    /// <summary>A new booking with <paramref name="passengers"/> passengers on the flights, and a session for it.</summary>
    public async Task<Traveller> NewTravellerAsync(string flightId, int passengers = 1, params string[] moreFlights)
    {
        var pnr = NewPnr();
        var lastName = "Tester" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 6);
        using (var booking = await AdminPostAsync("/api/admin/bookings", BookingDefinition(pnr, lastName, passengers, [flightId, .. moreFlights])))
        {
            await EnsureStatusAsync(booking, 201);
        }
        using var session = await PostJsonAsync("/api/sessions", new { pnr, lastName });
        await EnsureStatusAsync(session, 201);
        var body = await ReadJsonAsync(session);
        var ids = body.GetProperty("passengers").EnumerateArray().Select(p => p.GetProperty("passengerId").GetString()!).ToList();
        return new Traveller(pnr, lastName, ids, body.GetProperty("token").GetString()!);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object? body, string? token = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        return SendAsync(request, token, idempotencyKey);
    }

    /// <summary>Posts <paramref name="rawBody"/> exactly as given, with the given content type.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string path, string rawBody, string contentType = "application/json", string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(rawBody, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(request, token, null);
    }

    public Task<HttpResponseMessage> SeatCommandAsync(Traveller traveller, string flightId, string seatNumber, string command, string? passengerId = null, string? idempotencyKey = null) =>
        PostJsonAsync($"/api/flights/{flightId}/seats/{seatNumber}/{command}", new { passengerId = passengerId ?? traveller.PassengerId }, traveller.Token, idempotencyKey);

    public async Task<JsonElement> HoldAsync(Traveller traveller, string flightId, string seatNumber, string? passengerId = null)
    {
        using var response = await SeatCommandAsync(traveller, flightId, seatNumber, "hold", passengerId);
        await EnsureStatusAsync(response, 200);
        return await ReadJsonAsync(response);
    }

    public Task<HttpResponseMessage> AdminPostAsync(string path, object body, string? adminKey = AdminKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: Json) };
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> AdminGetAsync(string path, string? adminKey = AdminKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }
        return Client.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? token = null, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        return SendAsync(request, token, null);
    }

    public async Task<JsonElement> GetSeatMapAsync(string flightId, string? token = null)
    {
        using var response = await GetAsync($"/api/flights/{flightId}/seatmap", token);
        await EnsureStatusAsync(response, 200);
        return await ReadJsonAsync(response);
    }

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public static async Task EnsureStatusAsync(HttpResponseMessage response, int status)
    {
        if ((int)response.StatusCode != status)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {status} from {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} but got {(int)response.StatusCode}: {body}");
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? token, string? idempotencyKey)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        return Client.SendAsync(request);
    }
}
