using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CheckIn.Api.Tests.Infrastructure;
using CheckIn.Host.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace CheckIn.Api.Tests;

/// <summary>
/// A host of the matrix's own, with rate limits off: the matrix tests who may act, and a 429 from a shared client
/// key would hide the 401/403 it asserts (whatever the shared fixture's limits are).
/// </summary>
public sealed class AccessMatrixHost : IAsyncLifetime
{
    private WebApplicationFactory<Program> _factory = null!;

    public CheckInApi Api { get; private set; } = null!;

    /// <summary>The key this host signs session tokens with (the embedded one unless the environment sets another).</summary>
    public string SigningKey { get; private set; } = "";

    public Task InitializeAsync()
    {
        _factory = new CheckInApiFactory().WithWebHostBuilder(builder =>
        {
            CheckInApiFactory.UseOwnSilo(builder);
            builder.UseSetting("CheckIn:RateLimiting:Enabled", "false");
        });
        Api = new CheckInApi(_factory.CreateContractCheckedClient());
        SigningKey = _factory.Services.GetRequiredService<IOptions<CheckInOptions>>().Value.TokenSigningKey!;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();
}

/// <summary>
/// The access matrix (issue 12): every operation of the served OpenAPI document is called, aimed at another
/// booking (the victim's), with every credential an attacker could have. Each must be refused (401 or 403; see
/// <see cref="CredentialsFor"/> for which and why), with a problem that shows no internals, and change nothing: the
/// seat map, the three audit trails, the waitlist and the victim's own view are compared before and after each
/// operation. A new endpoint is covered without editing this file; one with a parameter name the matrix does not
/// know fails it, naming the name to add to <see cref="AccessMatrixValues"/>.
/// </summary>
public sealed partial class AccessMatrixTests(AccessMatrixHost host, ITestOutputHelper log) : IClassFixture<AccessMatrixHost>
{
    /// <summary>
    /// Operations anyone may call, with the reason. Everything else needs a session token or the admin key; a new
    /// public endpoint fails the matrix until it is listed here.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> PublicOperations = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["GetSeatMap"] = "the seat map is public; a credential only adds the caller's own seats, so none of these may show the victim's",
        ["StreamSeatMap"] = "the seat map as events, anonymous like the map: it ignores any credential and never shows whose seat is whose",
        ["CreateSession"] = "the sign-in itself (PNR + last name are its credential); takes no id",
        ["ReceivePaymentWebhook"] = "the payment provider's webhook, authenticated by its own HMAC signature; takes no id",
    };

    private readonly CheckInApi _api = host.Api;

    [Fact]
    public async Task Every_served_operation_refuses_every_credential_but_the_right_one_and_changes_nothing()
    {
        var document = await ServedOpenApi.ReadAsync(_api.Client);
        var scene = await SetUpVictimAsync();
        var baseline = await SettledSnapshotAsync(scene);
        var failures = new List<string>();
        var calls = 0;

        foreach (var operation in document.Operations)
        {
            if (PublicOperations.TryGetValue(operation.OperationId, out var why) && !operation.TakesId)
            {
                log.WriteLine($"{operation}: not called ({why})");
                continue;
            }
            (string Path, string? Body) aimed;
            try
            {
                aimed = AccessMatrixValues.Aim(operation, document, scene.Victim);
            }
            catch (AccessMatrixGapException gap)
            {
                failures.Add(gap.Message);
                continue;
            }
            foreach (var credential in CredentialsFor(operation, scene))
            {
                calls++;
                var outcome = await CallAsync(operation, aimed, credential, scene);
                log.WriteLine($"{operation.OperationId,-24} {credential.Name,-44} → {outcome.Observed}");
                if (outcome.Failure is { } failure)
                {
                    failures.Add($"{operation} with {credential.Name}: {failure}");
                }
            }
            var after = await SnapshotAsync(scene);
            failures.AddRange(Differences(baseline, after).Select(part => $"{operation} changed {part} (a refused request must change nothing)"));
            // Each operation is judged by what it changed itself.
            baseline = after;
        }

        Assert.Contains(document.Operations, o => o.TakesId && !PublicOperations.ContainsKey(o.OperationId));
        log.WriteLine($"{calls} calls over {document.Operations.Count} operations.");
        Assert.True(failures.Count == 0, $"{failures.Count} access matrix failure(s):\n" + string.Join("\n", failures));
    }

    [Fact]
    public void An_operation_whose_path_parameter_name_is_unknown_fails_the_matrix_saying_to_add_the_name()
    {
        var document = new ServedOpenApi([], []);
        var victim = new MatrixVictim("T1", "1A", "ABC123", "Smith", "ABC123-1", "0123456789");
        var gate = new ServedOperation("POST", "/api/flights/{flightId}/gates/{gateId}", "AssignGate",
            [new("path", "flightId", true), new("path", "gateId", true)], null);

        var gap = Assert.Throws<AccessMatrixGapException>(() => AccessMatrixValues.Aim(gate, document, victim));

        Assert.Contains("'gateId'", gap.Message, StringComparison.Ordinal);
        Assert.Contains("add 'gateId' to AccessMatrixValues.ParameterValues", gap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operation_whose_required_body_property_is_unknown_fails_the_matrix_saying_to_add_the_name()
    {
        var schemas = new JsonObject
        {
            ["MoveRequest"] = new JsonObject
            {
                ["type"] = "object",
                ["required"] = new JsonArray("passengerId", "gate"),
                ["properties"] = new JsonObject { ["passengerId"] = new JsonObject { ["type"] = "string" }, ["gate"] = new JsonObject { ["type"] = "string" } },
            },
        };
        var document = new ServedOpenApi([], schemas);
        var victim = new MatrixVictim("T1", "1A", "ABC123", "Smith", "ABC123-1", "0123456789");
        var move = new ServedOperation("POST", "/api/flights/{flightId}/move", "Move",
            [new("path", "flightId", true)], new JsonObject { ["$ref"] = "#/components/schemas/MoveRequest" });

        var gap = Assert.Throws<AccessMatrixGapException>(() => AccessMatrixValues.Aim(move, document, victim));

        Assert.Contains("add 'gate' to AccessMatrixValues.BodyValues", gap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_known_operation_is_aimed_at_the_victim_with_a_body_built_from_its_schema()
    {
        var schemas = new JsonObject
        {
            ["SeatCommandRequest"] = new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject { ["passengerId"] = new JsonObject { ["type"] = "string" }, ["note"] = new JsonObject { ["type"] = "string" } },
            },
        };
        var victim = new MatrixVictim("T1", "1A", "ABC123", "Smith", "ABC123-1", "0123456789");
        var hold = new ServedOperation("POST", "/api/flights/{flightId}/seats/{seatNumber}/hold", "HoldSeat",
            [new("path", "flightId", true), new("path", "seatNumber", true)], new JsonObject { ["$ref"] = "#/components/schemas/SeatCommandRequest" });

        var (path, body) = AccessMatrixValues.Aim(hold, new ServedOpenApi([], schemas), victim);

        Assert.Equal("/api/flights/T1/seats/1A/hold", path);
        Assert.Equal("""{"passengerId":"ABC123-1"}""", body);
    }

    /// <summary>What an attacker sends, and what the host must answer.</summary>
    private sealed record Credential(string Name, Action<HttpRequestMessage> Apply, int Status, string? Code);

    private sealed record Outcome(string Observed, string? Failure);

    /// <summary>
    /// Admin routes: 401 <c>ADMIN_KEY_INVALID</c> for no key, a wrong key, or a passenger token in its place (the admin
    /// key middleware answers before routing or the body). Passenger routes: 401 <c>UNAUTHENTICATED</c> for no token,
    /// a token that is not a JWT, the victim's own token with one signature bit flipped, re-signed with another key, or
    /// unsigned (<c>alg: none</c>), and for the admin key instead of a token; 401 <c>SESSION_EXPIRED</c> for the
    /// victim's own claims signed with the host's key an hour past expiry (authentication, before the endpoint). A
    /// valid token of the other booking on the same flight: 403 <c>FORBIDDEN</c> (the victim's passenger is not on its
    /// booking: authorization in the endpoint, before any grain). 404 is never right here: every id exists. The public
    /// seat map answers 200 to all of them and must show none of the victim's seats.
    /// </summary>
    private IEnumerable<Credential> CredentialsFor(ServedOperation operation, Scene scene)
    {
        if (operation.Template.StartsWith("/api/admin/", StringComparison.Ordinal))
        {
            yield return new("no X-Admin-Key", _ => { }, 401, "ADMIN_KEY_INVALID");
            yield return new("a wrong X-Admin-Key", r => r.Headers.Add("X-Admin-Key", CheckInApi.DevAdminKey + "-wrong"), 401, "ADMIN_KEY_INVALID");
            yield return new("the victim's session token, no X-Admin-Key", Bearer(scene.VictimToken), 401, "ADMIN_KEY_INVALID");
            yield break;
        }
        var isPublic = PublicOperations.ContainsKey(operation.OperationId);
        (int, string?) Refused(string code) => isPublic ? (200, null) : (401, code);
        var token = scene.VictimToken;
        foreach (var (name, apply, (status, code)) in new (string, Action<HttpRequestMessage>, (int, string?))[]
        {
            ("no token", _ => { }, Refused("UNAUTHENTICATED")),
            ("a garbage token", Bearer(MatrixTokens.Garbage()), Refused("UNAUTHENTICATED")),
            ("the victim's token with an altered signature", Bearer(MatrixTokens.WithAlteredSignature(token)), Refused("UNAUTHENTICATED")),
            ("the victim's claims signed with another key", Bearer(MatrixTokens.SignedWithAnotherKey(token)), Refused("UNAUTHENTICATED")),
            ("the victim's claims unsigned (alg none)", Bearer(MatrixTokens.Unsigned(token)), Refused("UNAUTHENTICATED")),
            ("the victim's claims, expired an hour ago", Bearer(MatrixTokens.Reissued(token, host.SigningKey, TimeSpan.FromHours(2))), Refused("SESSION_EXPIRED")),
            ("the admin key instead of a token", r => r.Headers.Add("X-Admin-Key", CheckInApi.DevAdminKey), Refused("UNAUTHENTICATED")),
        })
        {
            yield return new(name, apply, status, code);
        }
        if (operation.TakesId)
        {
            yield return new("the other booking's valid token", Bearer(scene.AttackerToken), isPublic ? 200 : 403, isPublic ? null : "FORBIDDEN");
        }
    }

    private static Action<HttpRequestMessage> Bearer(string token) =>
        request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

    private async Task<Outcome> CallAsync(ServedOperation operation, (string Path, string? Body) aimed, Credential credential, Scene scene)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), aimed.Path);
        if (aimed.Body is { } body)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }
        if (operation.Method != "GET")
        {
            // The key the victim used for the same command: a replay across bookings would hand over the victim's answer.
            request.Headers.TryAddWithoutValidation("Idempotency-Key", VictimIdempotencyKey(scene.Victim, operation.OperationId));
        }
        AccessMatrixValues.AddRequiredHeaders(request.Headers, operation, scene.Victim);
        credential.Apply(request);

        // Headers first: a wrongly admitted event stream would otherwise hold the matrix until the client's timeout.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        HttpResponseMessage response;
        try
        {
            response = await _api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (ContractViolationException violation)
        {
            return new Outcome("off the specification", $"the response contradicts API-SPECIFICATION.yml: {violation.Message}");
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            var text = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
                ? "(an open event stream)"
                : await response.Content.ReadAsStringAsync(timeout.Token);
            if (status >= 400)
            {
                return JudgeProblem(credential, status, response.Content.Headers.ContentType?.MediaType, text);
            }
            var observed = $"{status}";
            if (status != credential.Status)
            {
                var hint = status < 300 && credential.Status == 401
                    ? $" If {operation.OperationId} is public by design, add it to AccessMatrixTests.PublicOperations with the reason."
                    : "";
                return new Outcome(observed, $"expected {credential.Status} {credential.Code} but got {status}: {Trim(text)}.{hint}");
            }
            var leaked = scene.VictimPassengerIds.Where(id => text.Contains(id, StringComparison.Ordinal)).ToList();
            return leaked.Count == 0
                ? new Outcome(observed, null)
                : new Outcome(observed, $"the answer shows the victim's passengers {string.Join(", ", leaked)}: {Trim(text)}");
        }
    }

    private static Outcome JudgeProblem(Credential credential, int status, string? mediaType, string text)
    {
        string? code = null;
        try
        {
            using var json = JsonDocument.Parse(text);
            code = json.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        }
        catch (JsonException)
        {
        }
        var observed = $"{status} {code}";
        var problems = new List<string>();
        if (status != credential.Status || code != credential.Code)
        {
            problems.Add($"expected {credential.Status} {credential.Code} but got {status} {code}");
        }
        if (mediaType != "application/problem+json")
        {
            problems.Add($"the content type is {mediaType}, not application/problem+json");
        }
        if (Internals().Match(text) is { Success: true } leak)
        {
            problems.Add($"the problem shows internals ('{leak.Value}')");
        }
        return new Outcome(observed, problems.Count == 0 ? null : string.Join("; ", problems) + $": {Trim(text)}");
    }

    /// <summary>A stack trace frame, an exception or framework type name, or SQL: none belongs in a problem.</summary>
    [GeneratedRegex(@"(\n\s*at \S+\(|:line \d+|--- End of|\b\w*Exception\b|\b(System|Microsoft|Orleans|Npgsql|StackExchange|CheckIn)\.[A-Z]\w*|\bSELECT\b[^""]*\bFROM\b|\bINSERT INTO\b|\bUPDATE\b[^""]*\bSET\b|\bDELETE FROM\b|\bSQLSTATE\b)")]
    private static partial Regex Internals();

    private static string Trim(string text) => text.Length <= 400 ? text : text[..400] + "…";

    private static string VictimIdempotencyKey(MatrixVictim victim, string operationId) => $"matrix-{victim.Pnr}-{operationId}";

    /// <summary>The victim, the attacker and what the victim's booking looks like, so a wrongly admitted command shows.</summary>
    private sealed record Scene(MatrixVictim Victim, string VictimToken, IReadOnlyList<string> VictimPassengerIds, string AttackerToken);

    /// <summary>
    /// A two-seat flight departing in 6 h (check-in open). The victim's first passenger holds and confirms 1A and has
    /// started check-in; 1B is blocked, so the flight is full and the victim's second passenger waits on the waitlist.
    /// The attacker is a booking of its own on the same flight (so only the passenger check stands in the way).
    /// Every state here is stable: no hold that could expire during the matrix.
    /// </summary>
    private async Task<Scene> SetUpVictimAsync()
    {
        var flightId = await _api.CreateTinyFlightAsync(columns: "AB", rows: 1);
        var victim = await _api.NewTravellerAsync(flightId, passengers: 2);
        var attacker = await _api.NewTravellerAsync(flightId);
        var target = new MatrixVictim(flightId, "1A", victim.Pnr, victim.LastName, victim.PassengerIds[0], "0123456789");

        foreach (var (command, operationId) in new[] { ("hold", "HoldSeat"), ("confirm", "ConfirmSeat") })
        {
            using var response = await _api.SeatCommandAsync(victim, flightId, "1A", command, idempotencyKey: VictimIdempotencyKey(target, operationId));
            await CheckInApi.EnsureStatusAsync(response, 200);
        }
        using (var block = await _api.AdminPostAsync($"/api/admin/flights/{flightId}/seats/1B/block", new { reason = "matrix: fill the flight" }))
        {
            await CheckInApi.EnsureStatusAsync(block, 200);
        }
        await _api.JoinExpectingAsync(victim, flightId, new { passengerId = victim.PassengerIds[1] });
        using (var start = await _api.PostJsonAsync($"/api/flights/{flightId}/check-ins", new { passengerIds = new[] { victim.PassengerId } },
            victim.Token, VictimIdempotencyKey(target, "StartCheckIn")))
        {
            await CheckInApi.EnsureStatusAsync(start, 200);
        }
        return new Scene(target, victim.Token, victim.PassengerIds, attacker.Token);
    }

    /// <summary>
    /// Everything a wrongly admitted request could change, as the API shows it: the public seat map (its version
    /// grows with every seat change), the seat, check-in and waitlist audit trails and the waitlist (admin API), and
    /// the victim's own view (their seats, check-ins, waitlist entry, notifications).
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> SnapshotAsync(Scene scene)
    {
        var flightId = scene.Victim.FlightId;
        var parts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["the seat map"] = await ReadAsync(_api.GetAsync($"/api/flights/{flightId}/seatmap")),
            ["the victim's seat map"] = await ReadAsync(_api.GetAsync($"/api/flights/{flightId}/seatmap", scene.VictimToken)),
            ["the seat audit trail"] = await ReadAsync(_api.AdminGetAsync($"/api/admin/flights/{flightId}/events")),
            ["the check-in audit trail"] = await ReadAsync(_api.AdminGetAsync($"/api/admin/flights/{flightId}/check-in-events")),
            ["the waitlist audit trail"] = await ReadAsync(_api.AdminGetAsync($"/api/admin/flights/{flightId}/waitlist-events")),
            ["the waitlist"] = await ReadAsync(_api.AdminGetAsync($"/api/admin/flights/{flightId}/waitlist")),
            ["the victim's notifications"] = await ReadAsync(_api.GetAsync("/api/notifications", scene.VictimToken)),
        };
        foreach (var passengerId in scene.VictimPassengerIds)
        {
            parts[$"{passengerId}'s check-in"] = await ReadAsync(_api.GetAsync($"/api/flights/{flightId}/check-ins/{passengerId}", scene.VictimToken));
            parts[$"{passengerId}'s waitlist entry"] = await ReadAsync(_api.GetAsync(WaitlistSteps.WaitlistPath(flightId, passengerId), scene.VictimToken));
        }
        return parts;
    }

    /// <summary>
    /// The snapshot once the set-up's one-way effects (the seat map catching up with its seats, notifications) have
    /// landed: the map shows 1A confirmed and 1B blocked, and two snapshots a moment apart agree.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, string>> SettledSnapshotAsync(Scene scene)
    {
        await Eventually.Until(() => _api.GetSeatMapAsync(scene.Victim.FlightId),
            map => WaitlistSteps.SeatStatus(map, "1A") == "CONFIRMED" && WaitlistSteps.SeatStatus(map, "1B") == "BLOCKED",
            "the seat map to show the victim's set-up");
        var previous = await SnapshotAsync(scene);
        var settled = await Eventually.Until(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            var current = await SnapshotAsync(scene);
            var changed = string.Join("\n", Differences(previous, current));
            previous = current;
            return (Changed: changed, Snapshot: current);
        }, s => s.Changed.Length == 0, "the victim's state to settle");
        return settled.Snapshot;
    }

    private static IEnumerable<string> Differences(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Where(b => after[b.Key] != b.Value).Select(b => $"{b.Key}: before {Trim(b.Value)} | after {Trim(after[b.Key])}");

    private static async Task<string> ReadAsync(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        // A problem's traceId differs on every request; nothing else in these answers does unless the state changed.
        return $"{(int)response.StatusCode} {TraceId().Replace(await response.Content.ReadAsStringAsync(), "")}";
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();
}
