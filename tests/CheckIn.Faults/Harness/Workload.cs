using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using CheckIn.Faults.Linearizability;
using CheckIn.Faults.Linearizability.Models;
using CheckIn.Payments;

namespace CheckIn.Faults.Harness;

/// <summary>The flights, passengers and sessions a run works with, made through the admin API before the faults.</summary>
public sealed record WorkloadData(
    string HotFlight,
    IReadOnlyList<string> HotSeats,
    IReadOnlyList<string> AllHotSeats,
    IReadOnlyDictionary<string, string> Tokens,
    IReadOnlyList<string> SeatPassengers,
    string ProbePassenger,
    string PaymentFlight,
    IReadOnlyList<string> PaymentPassengers,
    string WaitlistFlight,
    IReadOnlyList<string> SeatOwners,
    IReadOnlyList<string> Waiters);

/// <summary>A hold, confirm or release on the hot flight, with the call that carried it.</summary>
public sealed record SeatCall(Call Call, SeatRequest Request);

/// <summary>A webhook delivery of one payment event (the same event id is sent several times, to several hosts).</summary>
public sealed record PaymentDelivery(string PassengerId, string IntentId, string EventId, Call Call);

/// <summary>
/// The concurrent workload: seat workers race holds, confirms and releases on a few hot seats through all three hosts;
/// a journey worker takes passengers through check-in with an overweight bag and pays by webhook, each event sent
/// more than once to different hosts; a waitlist worker fills a full cabin's line, repeats joins, and frees seats.
/// Every call is recorded; seat commands also go into the per-seat history the linearizability checker reads.
/// </summary>
internal sealed class Workload(CallRecorder calls, FaultProfile profile, int seed)
{
    public const string WebhookSecret = HostSettings.WebhookSecret;
    private const int Rows = 4;
    private const string Columns = "ABC_DEF";

    private readonly List<Operation<SeatRequest, SeatAnswer>> _history = [];
    private readonly List<SeatCall> _seatCalls = [];
    private readonly List<PaymentDelivery> _payments = [];
    private readonly List<(string PassengerId, Call Call)> _joins = [];

    public IReadOnlyList<Operation<SeatRequest, SeatAnswer>> History
    {
        get
        {
            lock (_history)
            {
                return [.. _history];
            }
        }
    }

    public IReadOnlyList<SeatCall> SeatCalls
    {
        get
        {
            lock (_history)
            {
                return [.. _seatCalls];
            }
        }
    }

    public IReadOnlyList<PaymentDelivery> Payments
    {
        get
        {
            lock (_payments)
            {
                return [.. _payments];
            }
        }
    }

    public IReadOnlyList<(string PassengerId, Call Call)> Joins
    {
        get
        {
            lock (_joins)
            {
                return [.. _joins];
            }
        }
    }

    /// <summary>Bag tags the hosts weigh over 25 kg (<c>WeightService__Bags__{tag}</c>).</summary>
    public static IReadOnlyList<string> HeavyBags { get; } = [.. Enumerable.Range(1, 32).Select(i => $"HEAVY{i:00}")];

    public static async Task<WorkloadData> SetUpAsync(CallRecorder calls)
    {
        const string hot = "FH100";
        const string pay = "FP200";
        const string waitlist = "FW300";
        await AdminAsync(calls, "/api/admin/flights", Flight(hot, new DateTimeOffset(2030, 6, 1, 9, 30, 0, TimeSpan.Zero), Rows, Columns));
        await AdminAsync(calls, "/api/admin/flights", Flight(pay, DateTimeOffset.UtcNow.AddHours(6), Rows, Columns));
        // A waitlist is open while check-in is (the line is served at the gate's side of the window).
        await AdminAsync(calls, "/api/admin/flights", Flight(waitlist, DateTimeOffset.UtcNow.AddHours(6), 1, "AB"));

        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task<List<string>> BookAsync(string flight, string pnr, int passengers)
        {
            await AdminAsync(calls, "/api/admin/bookings", new
            {
                pnr,
                passengers = Enumerable.Range(1, passengers).Select(i => new { firstName = $"Pax{i}", lastName = "Faults" }).ToArray(),
                flights = new[] { flight },
            });
            var session = await RequireAsync(() => calls.PostAsync("setup", "session", 0, "/api/sessions", new { pnr, lastName = "Faults" }));
            var token = session.Body!.Value.GetProperty("token").GetString()!;
            var ids = session.Body.Value.GetProperty("passengers").EnumerateArray().Select(p => p.GetProperty("passengerId").GetString()!).ToList();
            foreach (var id in ids)
            {
                tokens[id] = token;
            }
            return ids;
        }

        var seatPassengers = new List<string>();
        foreach (var pnr in new[] { "HOTAAA", "HOTAAB", "HOTAAC", "HOTAAD" })
        {
            seatPassengers.AddRange(await BookAsync(hot, pnr, 4));
        }
        var probe = (await BookAsync(hot, "PROBEA", 1))[0];
        var payers = new List<string>();
        foreach (var pnr in new[] { "PAYAAA", "PAYAAB", "PAYAAC", "PAYAAD", "PAYAAE", "PAYAAF", "PAYAAG", "PAYAAH" })
        {
            payers.AddRange(await BookAsync(pay, pnr, 2));
        }
        var owners = await BookAsync(waitlist, "WLOWNA", 2);
        var waiters = new List<string>();
        foreach (var pnr in new[] { "WLWAIA", "WLWAIB", "WLWAIC" })
        {
            waiters.AddRange(await BookAsync(waitlist, pnr, 3));
        }
        // The waitlisted cabin is full before anyone joins its line.
        for (var i = 0; i < owners.Count; i++)
        {
            var seat = $"1{"AB"[i]}";
            await RequireAsync(() => calls.PostAsync("setup", "hold", 0, $"/api/flights/{waitlist}/seats/{seat}/hold", new { passengerId = owners[i] }, tokens[owners[i]]));
            await RequireAsync(() => calls.PostAsync("setup", "confirm", 0, $"/api/flights/{waitlist}/seats/{seat}/confirm", new { passengerId = owners[i] }, tokens[owners[i]]));
        }

        var allSeats = Enumerable.Range(1, Rows).SelectMany(r => Columns.Where(c => c != '_').Select(c => $"{r}{c}")).ToList();
        return new WorkloadData(hot, allSeats.Take(6).ToList(), allSeats, tokens, seatPassengers, probe, pay, payers, waitlist, owners, waiters);
    }

    /// <summary>Runs every worker until <paramref name="end"/>.</summary>
    public Task RunAsync(WorkloadData data, Func<int> pickHost, DateTimeOffset end)
    {
        var workers = new List<Task>();
        var perWorker = data.SeatPassengers.Count / profile.Workers;
        for (var w = 0; w < profile.Workers; w++)
        {
            var passengers = data.SeatPassengers.Skip(w * perWorker).Take(Math.Max(1, perWorker)).ToList();
            var random = new Random(seed * 31 + w);
            var name = $"seats-{w}";
            workers.Add(Task.Run(() => SeatWorkerAsync(name, data, passengers, random, pickHost, end)));
        }
        workers.Add(Task.Run(() => JourneyWorkerAsync(data, new Random(seed * 31 + 101), pickHost, end)));
        workers.Add(Task.Run(() => WaitlistWorkerAsync(data, new Random(seed * 31 + 202), pickHost, end)));
        return Task.WhenAll(workers);
    }

    private async Task SeatWorkerAsync(string worker, WorkloadData data, List<string> passengers, Random random, Func<int> pickHost, DateTimeOffset end)
    {
        // Seats each passenger may own: where a hold of theirs succeeded or was lost and no later answer said otherwise.
        var mayOwn = passengers.ToDictionary(p => p, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        while (DateTimeOffset.UtcNow < end)
        {
            var passenger = passengers[random.Next(passengers.Count)];
            var owned = mayOwn[passenger];
            var roll = random.Next(100);
            if (roll < 5)
            {
                await calls.GetAsync(worker, "seatmap", pickHost(), $"/api/flights/{data.HotFlight}/seatmap");
                continue;
            }
            var command = roll < 55 ? SeatCommand.Hold : roll < 80 ? SeatCommand.Confirm : SeatCommand.Release;
            var seat = command != SeatCommand.Hold && owned.Count > 0 && random.Next(4) > 0
                ? owned.ElementAt(random.Next(owned.Count))
                : random.Next(10) < 8 ? data.HotSeats[random.Next(data.HotSeats.Count)] : data.AllHotSeats[random.Next(data.AllHotSeats.Count)];
            var request = new SeatRequest(seat, command, passenger);
            var call = await calls.PostAsync(worker, command.ToString().ToLowerInvariant(), pickHost(),
                $"/api/flights/{data.HotFlight}/seats/{seat}/{command.ToString().ToLowerInvariant()}", new { passengerId = passenger }, data.Tokens[passenger]);
            Record(worker, request, call, owned);
            await Task.Delay(random.Next(5, 40));
        }
    }

    private void Record(string worker, SeatRequest request, Call call, HashSet<string> owned)
    {
        if (call.Outcome == CallOutcome.NotSent)
        {
            return;
        }
        lock (_history)
        {
            _seatCalls.Add(new SeatCall(call, request));
            // A hold of another seat releases the passenger's previous one inside the same request, or later when
            // that seat did not answer (PassengerSeatGrain parks it: its timer, the move's reminder or the
            // passenger's next command finish the release): to every other seat the passenger may own, a hold is a
            // release of unknown outcome, pending for ever. Other commands release nothing of their own: whatever
            // they finish belongs to a hold that already added its release here.
            foreach (var other in request.Command == SeatCommand.Hold ? owned.Where(s => s != request.Seat) : [])
            {
                _history.Add(Operation<SeatRequest, SeatAnswer>.Unanswered(worker, new SeatRequest(other, SeatCommand.Release, request.Passenger), call.Invoked));
            }
            _history.Add(call.Outcome switch
            {
                CallOutcome.Ok => Operation<SeatRequest, SeatAnswer>.Answered(worker, request, AnswerOf(call.Body!.Value), call.Invoked, call.Completed),
                CallOutcome.Refused => Operation<SeatRequest, SeatAnswer>.Answered(worker, request, SeatAnswer.Refused(call.Code ?? $"HTTP {call.Status}"), call.Invoked, call.Completed),
                _ => Operation<SeatRequest, SeatAnswer>.Unanswered(worker, request, call.Invoked),
            });
        }
        switch (request.Command, call.Outcome)
        {
            case (SeatCommand.Hold, CallOutcome.Ok):
                owned.Clear();
                owned.Add(request.Seat);
                break;
            case (SeatCommand.Hold, CallOutcome.Unknown):
                owned.Add(request.Seat);
                break;
            case (SeatCommand.Release, CallOutcome.Ok):
            case (SeatCommand.Release or SeatCommand.Confirm, CallOutcome.Refused) when call.Code is SeatCodes.NotHolder or SeatCodes.HoldExpired:
                owned.Remove(request.Seat);
                break;
        }
    }

    private static SeatAnswer AnswerOf(JsonElement body)
    {
        var status = body.GetProperty("status").GetString() switch
        {
            "AVAILABLE" => SeatPhase.Available,
            "HELD" => SeatPhase.Held,
            "CONFIRMED" => SeatPhase.Confirmed,
            var other => throw new InvalidOperationException($"A seat answer with status {other}: the hot flight has no waitlist, so no seat is OFFERED."),
        };
        return SeatAnswer.Ok(status, body.TryGetProperty("holdExpiresAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : null);
    }

    /// <summary>Check-in, an overweight bag, the payment webhook delivered 2-3 times to different hosts, completion.</summary>
    private async Task JourneyWorkerAsync(WorkloadData data, Random random, Func<int> pickHost, DateTimeOffset end)
    {
        var pace = (end - DateTimeOffset.UtcNow) / (data.PaymentPassengers.Count + 1);
        for (var i = 0; i < data.PaymentPassengers.Count && DateTimeOffset.UtcNow < end; i++)
        {
            var passenger = data.PaymentPassengers[i];
            var token = data.Tokens[passenger];
            var started = DateTimeOffset.UtcNow;
            var path = $"/api/flights/{data.PaymentFlight}/check-ins/{passenger}";
            await UntilOkAsync(pickHost, h => calls.PostAsync("journey", "start-check-in", h, $"/api/flights/{data.PaymentFlight}/check-ins", new { passengerIds = new[] { passenger } }, token), end);
            // The bag command is not idempotent by itself; a lost answer is resolved by reading the check-in.
            var bag = await calls.PostAsync("journey", "bag", pickHost(), $"{path}/bags", new { bagTag = HeavyBags[i] }, token);
            JsonElement? view = bag.IsOk ? bag.Body : null;
            if (view is null)
            {
                var read = await UntilOkAsync(pickHost, h => calls.GetAsync("journey", "read-check-in", h, path, token), end);
                view = read?.Body;
            }
            if (view is { } v && v.TryGetProperty("payment", out var payment) && payment.ValueKind == JsonValueKind.Object
                && payment.TryGetProperty("intentId", out var intent))
            {
                var eventId = $"evt_faults_{seed}_{i}";
                var body = JsonSerializer.SerializeToUtf8Bytes(new PaymentWebhookEvent(eventId, "payment_intent.succeeded", intent.GetString()!,
                    PaymentOutcome.Succeeded, 40m, "EUR", $"{data.PaymentFlight}/{passenger}", DateTimeOffset.UtcNow), PaymentJson.Options);
                var copies = 2 + random.Next(2);
                for (var copy = 0; copy < copies; copy++)
                {
                    var delivered = await WebhookAsync((copy + i) % calls.Hosts, body);
                    lock (_payments)
                    {
                        _payments.Add(new PaymentDelivery(passenger, intent.GetString()!, eventId, delivered));
                    }
                }
                await UntilOkAsync(pickHost, h => calls.PostAsync("journey", "complete", h, $"{path}/complete", null, token), end);
            }
            var rest = pace - (DateTimeOffset.UtcNow - started);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest);
            }
        }
    }

    private Task<Call> WebhookAsync(int host, byte[] body)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return calls.SendAsync("journey", "payment-webhook", host, HttpMethod.Post, "/api/payments/webhook", content,
            headers: new Dictionary<string, string>
            {
                [WebhookSignature.TimestampHeader] = now.ToString(CultureInfo.InvariantCulture),
                [WebhookSignature.SignatureHeader] = WebhookSignature.Sign(WebhookSecret, now, body),
            });
    }

    /// <summary>Joins of a full cabin's line (some sent twice, to two hosts), and its two owners letting go mid-run.</summary>
    private async Task WaitlistWorkerAsync(WorkloadData data, Random random, Func<int> pickHost, DateTimeOffset end)
    {
        var start = DateTimeOffset.UtcNow;
        var pace = (end - start) / (data.Waiters.Count + 2);
        var released = 0;
        for (var i = 0; i < data.Waiters.Count && DateTimeOffset.UtcNow < end; i++)
        {
            var waiter = data.Waiters[i];
            var copies = random.Next(3) == 0 ? 2 : 1;
            for (var copy = 0; copy < copies; copy++)
            {
                var call = await calls.PostAsync("waitlist", "join", pickHost(), $"/api/flights/{data.WaitlistFlight}/waitlist", new { passengerId = waiter }, data.Tokens[waiter]);
                lock (_joins)
                {
                    _joins.Add((waiter, call));
                }
            }
            if (i is 3 or 6 && released < data.SeatOwners.Count)
            {
                var owner = data.SeatOwners[released];
                await UntilOkAsync(pickHost, h => calls.PostAsync("waitlist", "release", h,
                    $"/api/flights/{data.WaitlistFlight}/seats/1{"AB"[released]}/release", new { passengerId = owner }, data.Tokens[owner]), end);
                released++;
            }
            await Task.Delay(pace);
        }
    }

    /// <summary>Retries a call the way a client does (idempotent calls only) until a 2xx, a 4xx, or the end.</summary>
    private static async Task<Call?> UntilOkAsync(Func<int> pickHost, Func<int, Task<Call>> send, DateTimeOffset end)
    {
        Call? last = null;
        var deadline = end + TimeSpan.FromSeconds(30);
        while (DateTimeOffset.UtcNow < deadline)
        {
            last = await send(pickHost());
            if (last.Outcome is CallOutcome.Ok or CallOutcome.Refused && last.Code is not "PAYMENT_REQUIRED" and not "CHECKIN_WAITING_FOR_PAYMENT")
            {
                return last;
            }
            await Task.Delay(500);
        }
        return last;
    }

    private static object Flight(string flightId, DateTimeOffset departure, int rows, string columns) => new
    {
        flightId,
        origin = "OSL",
        destination = "TRD",
        departure,
        layout = new { cabins = new[] { new { cabin = "ECONOMY", firstRow = 1, lastRow = rows, columns } } },
    };

    private static async Task AdminAsync(CallRecorder calls, string path, object body) =>
        await RequireAsync(() => calls.PostAsync("setup", "admin", 0, path, body, admin: true));

    private static async Task<Call> RequireAsync(Func<Task<Call>> send)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var call = await send();
            if (call.IsOk)
            {
                return call;
            }
            if (call.Outcome == CallOutcome.Refused)
            {
                throw new InvalidOperationException($"Setup call refused: {call.Status} {call.Code} {call.Body}");
            }
            await Task.Delay(500);
        }
        throw new InvalidOperationException("Setup call kept failing.");
    }
}
