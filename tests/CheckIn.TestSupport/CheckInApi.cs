using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CheckIn.TestSupport.Hosts;

namespace CheckIn.TestSupport;

/// <summary>A passenger with a session: their booking, their passenger ids and their bearer token.</summary>
public sealed record Traveller(string Pnr, string LastName, IReadOnlyList<string> PassengerIds, string Token)
{
    public string PassengerId => PassengerIds[0];
}

/// <summary>
/// Speaks to one host over HTTP the way a client would; every suite builds its requests here (admin key, bearer
/// token, <c>Idempotency-Key</c>, JSON or raw body). The calls answer the <see cref="HttpResponseMessage"/> (the
/// caller disposes it); <see cref="ApiResponses.ReadAsync"/> keeps one as an <see cref="ApiResponse"/>, as the
/// host-process conveniences at the end do. Every test makes its own flight and booking through the admin API, so
/// no test depends on another's data or on the order tests run in.
/// </summary>
/// <param name="client">The host's client (its base address set).</param>
/// <param name="adminKey">The key admin calls carry unless a call names another (or none).</param>
public sealed class CheckInApi(HttpClient client, string adminKey = CheckInApi.DevAdminKey)
{
    /// <summary>The admin key of a host on its defaults (embedded mode): what the in-process API tests use.</summary>
    public const string DevAdminKey = "dev-admin-key";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public HttpClient Client { get; } = client;

    public string AdminKey { get; } = adminKey;

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

    /// <summary>A JSON body, serialized as the API reads it (web defaults: camelCase).</summary>
    public static JsonContent JsonBody(object? body) => JsonContent.Create(body, options: Json);

    /// <summary>A new flight; by default it departs in 2030, far outside the check-in window.</summary>
    public async Task<string> CreateFlightAsync(DateTimeOffset? departure = null)
    {
        var flightId = NewFlightId();
        await AdminCreateAsync("/api/admin/flights", FlightDefinition(flightId, departure: departure));
        return flightId;
    }

    /// <summary>A new booking with <paramref name="passengers"/> passengers on the flights, and a session for it.</summary>
    public async Task<Traveller> NewTravellerAsync(string flightId, int passengers = 1, params string[] moreFlights)
    {
        var pnr = NewPnr();
        var lastName = "Tester" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 6);
        await AdminCreateAsync("/api/admin/bookings", BookingDefinition(pnr, lastName, passengers, [flightId, .. moreFlights]));
        var (token, ids) = await SignInAsync(pnr, lastName);
        return new Traveller(pnr, lastName, ids, token);
    }

    public Task<HttpResponseMessage> PostJsonAsync(string path, object? body, string? token = null, string? idempotencyKey = null) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) }, token, idempotencyKey);

    /// <summary>Posts <paramref name="rawBody"/> exactly as given, with the given content type.</summary>
    public Task<HttpResponseMessage> PostRawAsync(string path, string rawBody, string contentType = "application/json", string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(rawBody, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return SendAsync(request, token);
    }

    public Task<HttpResponseMessage> SeatCommandAsync(Traveller traveller, string flightId, string seatNumber, string command, string? passengerId = null, string? idempotencyKey = null) =>
        PostJsonAsync(SeatCommandPath(flightId, seatNumber, command), new { passengerId = passengerId ?? traveller.PassengerId }, traveller.Token, idempotencyKey);

    public async Task<JsonElement> HoldAsync(Traveller traveller, string flightId, string seatNumber, string? passengerId = null)
    {
        using var response = await SeatCommandAsync(traveller, flightId, seatNumber, "hold", passengerId);
        await EnsureStatusAsync(response, 200);
        return await ReadJsonAsync(response);
    }

    /// <summary>A POST with this client's admin key.</summary>
    public Task<HttpResponseMessage> AdminPostAsync(string path, object body) => AdminPostAsync(path, body, AdminKey);

    /// <summary>A POST with <paramref name="adminKey"/> as the admin key, or without one (null).</summary>
    public Task<HttpResponseMessage> AdminPostAsync(string path, object body, string? adminKey) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonBody(body) }, adminKey: adminKey);

    /// <summary>A GET with this client's admin key.</summary>
    public Task<HttpResponseMessage> AdminGetAsync(string path) => AdminGetAsync(path, AdminKey);

    /// <summary>A GET with <paramref name="adminKey"/> as the admin key, or without one (null).</summary>
    public Task<HttpResponseMessage> AdminGetAsync(string path, string? adminKey) =>
        SendAsync(new HttpRequestMessage(HttpMethod.Get, path), adminKey: adminKey);

    public Task<HttpResponseMessage> GetAsync(string path, string? token = null, string? ifNoneMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }
        return SendAsync(request, token);
    }

    public async Task<JsonElement> GetSeatMapAsync(string flightId, string? token = null)
    {
        using var response = await GetAsync($"/api/flights/{flightId}/seatmap", token);
        await EnsureStatusAsync(response, 200);
        return await ReadJsonAsync(response);
    }

    /// <summary>Sends <paramref name="request"/> with the credentials given (see <see cref="Prepare"/>).</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? token = null, string? idempotencyKey = null, string? adminKey = null) =>
        Client.SendAsync(Prepare(request, token, idempotencyKey, adminKey));

    /// <summary>
    /// Adds what is given to <paramref name="request"/>: a bearer <paramref name="token"/>, an <c>Idempotency-Key</c>,
    /// an <c>X-Admin-Key</c>. For a client that sends requests of its own (a recorder, a peer address).
    /// </summary>
    public static HttpRequestMessage Prepare(HttpRequestMessage request, string? token = null, string? idempotencyKey = null, string? adminKey = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }
        if (adminKey is not null)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }
        return request;
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

    // The host-process tests' conveniences: fixed names and small flights, answers kept as ApiResponse.

    /// <summary>A small flight (rows 1-5, ABC_DEF) and one booking with two passengers on it, plus their session.</summary>
    public async Task<TestBooking> CreateBookingAsync(string flightId = "HP100", string pnr = "HPT001", DateTimeOffset? departure = null)
    {
        await AdminCreateAsync("/api/admin/flights", new
        {
            flightId,
            origin = "OSL",
            destination = "BGO",
            departure = departure ?? DateTimeOffset.UtcNow.AddDays(1),
            layout = new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = 5, columns = "ABC_DEF" } } },
        });
        await AdminCreateAsync("/api/admin/bookings", new
        {
            pnr,
            passengers = new[] { new { firstName = "Ada", lastName = "Byron" }, new { firstName = "Allegra", lastName = "Byron" } },
            flights = new[] { flightId },
        });
        var (token, ids) = await SignInAsync(pnr, "Byron");
        return new TestBooking(flightId, pnr, ids[0], ids[1], token);
    }

    /// <summary>A booking of <paramref name="passengers"/> passengers on an existing flight, and its session.</summary>
    public async Task<TestSession> CreateSessionAsync(string flightId, string pnr, int passengers)
    {
        await AdminCreateAsync("/api/admin/bookings", BookingDefinition(pnr, "Lovelace", passengers, flightId));
        var (token, ids) = await SignInAsync(pnr, "Lovelace");
        return new TestSession(new TestBooking(flightId, pnr, ids[0], ids.Count > 1 ? ids[1] : ids[0], token), ids);
    }

    /// <summary><c>POST /api/flights/{f}/seats/{s}/{command}</c> with <c>{passengerId}</c> as the booking's session.</summary>
    public Task<ApiResponse> SeatCommandAsync(string command, TestBooking booking, string seat, string passengerId) =>
        PostJsonAsync(SeatCommandPath(booking.FlightId, seat, command), new { passengerId }, booking.Token).ReadAsync();

    public async Task<SeatMapSeat> SeatAsync(string flightId, string seat)
    {
        var map = (await GetAsync($"/api/flights/{flightId}/seatmap").ReadAsync()).Expect(HttpStatusCode.OK).Read<SeatMap>();
        return map.Seats.Single(s => s.SeatNumber == seat);
    }

    public async Task<IReadOnlyList<SeatEvent>> SeatEventsAsync(string flightId, string seat) =>
        (await AdminGetAsync($"/api/admin/flights/{flightId}/events?seat={seat}").ReadAsync()).Expect(HttpStatusCode.OK).Read<List<SeatEvent>>();

    /// <summary>A passenger request with the booking's session token (a body, or none).</summary>
    public Task<ApiResponse> PassengerAsync(HttpMethod method, string path, TestBooking booking, object? body = null) =>
        SendAsync(new HttpRequestMessage(method, path) { Content = body is null ? null : JsonBody(body) }, booking.Token).ReadAsync();

    /// <summary>A read of the Orleans dashboard's API, with its credential (HTTP Basic, the admin key as password).</summary>
    public Task<ApiResponse> DashboardGetAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"tests:{AdminKey}")));
        return SendAsync(request).ReadAsync();
    }

    /// <summary>A GET as the client of an <c>X-Api-Key</c> (abuse protection counts it as <c>key:{Name}</c>).</summary>
    public Task<ApiResponse> GetWithApiKeyAsync(string path, string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", apiKey);
        return SendAsync(request).ReadAsync();
    }

    private static string SeatCommandPath(string flightId, string seat, string command) => $"/api/flights/{flightId}/seats/{seat}/{command}";

    /// <summary>An admin POST that must answer 201 Created.</summary>
    private async Task AdminCreateAsync(string path, object body)
    {
        using var response = await AdminPostAsync(path, body);
        await EnsureStatusAsync(response, 201);
    }

    /// <summary>A session for the booking: its token and the passenger ids, in booking order.</summary>
    private async Task<(string Token, List<string> PassengerIds)> SignInAsync(string pnr, string lastName)
    {
        using var session = await PostJsonAsync("/api/sessions", new { pnr, lastName });
        await EnsureStatusAsync(session, 201);
        var body = await ReadJsonAsync(session);
        var ids = body.GetProperty("passengers").EnumerateArray().Select(p => p.GetProperty("passengerId").GetString()!).ToList();
        return (body.GetProperty("token").GetString()!, ids);
    }
}

/// <summary>A response kept as text, so a failed expectation can show what the host really said.</summary>
public sealed record ApiResponse(HttpMethod Method, Uri Path, HttpStatusCode Status, string Body)
{
    /// <summary>The problem's stable <c>code</c>, for error responses.</summary>
    public string? Code
    {
        get
        {
            using var problem = JsonDocument.Parse(Body);
            return problem.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
        }
    }

    public ApiResponse Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status} from {this}");
        return this;
    }

    public T Read<T>() => JsonSerializer.Deserialize<T>(Body, CheckInApi.Json)
        ?? throw new InvalidOperationException($"{this} has no {typeof(T).Name} body");

    public override string ToString() => $"{Method} {Path} -> {(int)Status} {Body}";
}

public static class ApiResponses
{
    /// <summary>The answer to a <see cref="CheckInApi"/> call, read to its end and kept; the response is disposed.</summary>
    public static async Task<ApiResponse> ReadAsync(this Task<HttpResponseMessage> sending)
    {
        ArgumentNullException.ThrowIfNull(sending);
        using var response = await sending;
        using var request = response.RequestMessage;
        return new ApiResponse(request!.Method, request.RequestUri!, response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
