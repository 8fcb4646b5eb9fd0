using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using CheckIn.Bench.Api;
using CheckIn.Bench.Load;
using CheckIn.Bench.Results;

namespace CheckIn.Bench.Scenarios;

/// <summary>
/// <c>journey</c>: the whole check-in with the overweight-bag detour, for --seats passengers across --flights flights
/// departing in 6 h, C at a time: start, add a 28.5 kg bag (the Weight service over HTTP, a payment intent at the
/// provider), pay at the provider, wait until the provider's signed webhook has resumed the check-in (polled every
/// 5 ms), complete. Uses the host's in-process Weight service and payment simulator (<c>/sim/weight</c>,
/// <c>/sim/payments</c>). Reports each step and the webhook-to-resume lag; checks every journey completed with the
/// bag on its boarding pass and the payment applied exactly once.
/// </summary>
internal static class JourneyScenario
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan ResumeDeadline = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(BenchContext ctx)
    {
        var o = ctx.Options;
        var flights = Math.Max(1, o.Flights);
        var perFlight = (o.Seats + flights - 1) / flights;
        var fleet = await ctx.CreateFleetAsync(flights, o.Rows, perFlight, departure: DateTimeOffset.UtcNow.AddHours(6));
        var journeys = fleet.Slots.Select((slot, i) => (Slot: slot, Tag: $"J{i:D6}")).ToList();
        using var http = ctx.LoadClient(o.Clients);
        await WeighBagsAsync(ctx, http, journeys.Select(j => j.Tag).ToList());

        var start = new OperationRecorder("start");
        var addBag = new OperationRecorder("add-bag");
        var pay = new OperationRecorder("pay");
        var resume = new OperationRecorder("webhook-to-resume");
        var complete = new OperationRecorder("complete");
        var all = new[] { start, addBag, pay, resume, complete };
        var queue = new ConcurrentQueue<(PassengerSlot Slot, string Tag)>(journeys);
        var completed = new ConcurrentBag<PassengerSlot>();
        var wrongPasses = 0;
        var began = Stopwatch.GetTimestamp();
        foreach (var recorder in all)
        {
            recorder.OpenWindow(began);
        }
        ctx.Progress.Phase($"journey: {o.Clients} passengers at a time", BenchContext.Counters(all), () => $"{queue.Count} left");
        var from = ctx.Sampler.Now;
        await Task.WhenAll(Enumerable.Range(0, o.Clients).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out var journey))
            {
                var pass = await RunJourneyAsync(ctx, http, journey.Slot, journey.Tag, start, addBag, pay, resume, complete);
                if (pass is not null)
                {
                    completed.Add(journey.Slot);
                    if (pass.Length != 60 || pass[57] != '3')
                    {
                        Interlocked.Increment(ref wrongPasses);
                    }
                }
            }
        })));
        var ended = Stopwatch.GetTimestamp();
        foreach (var recorder in all)
        {
            recorder.CloseWindow(ended);
        }
        ctx.Report.ResourceWindow = (from, ctx.Sampler.Now);
        ctx.Report.Add(all);

        var (sampled, exactlyOnce) = await AuditSampleAsync(ctx, [.. completed.Take(20)]);
        var lag = resume.Summarize();
        var seconds = Stopwatch.GetElapsedTime(began, ended).TotalSeconds;
        var report = ctx.Report;
        report.Check("every journey completed", completed.Count == journeys.Count, $"{completed.Count}/{journeys.Count}");
        report.Check("every boarding pass is a 60-character BCBP with bags checked", wrongPasses == 0, $"{wrongPasses} wrong");
        report.Check("the payment was applied exactly once (audit sample)", exactlyOnce == sampled, $"{exactlyOnce}/{sampled}");
        report.Check("no errors", all.Sum(r => r.ErrorCount) == 0, $"{all.Sum(r => r.ErrorCount)} errors");
        report.Figures["journeys"] = journeys.Count;
        report.Figures["journeysPerSecond"] = seconds > 0 ? Math.Round(completed.Count / seconds, 1) : 0;
        report.Figures["webhookToResumeMs"] = ResultWriter.Latency(lag.LatencyMs);
        report.Targets.Add(new TargetCheck("every journey completed, payment applied once", $"{journeys.Count}", $"{completed.Count}, {exactlyOnce}/{sampled} sampled once", completed.Count == journeys.Count && exactlyOnce == sampled));
        report.Targets.Add(new TargetCheck("webhook-to-resume p99 (no target in the issue)", "reported", $"{lag.LatencyMs.P99:F1} ms", null));
        report.Notes.Add($"webhook-to-resume: from the provider's answer to the pay call until a poll (every {PollEvery.TotalMilliseconds:F0} ms) sees IN_PROGRESS; "
            + "it includes the provider's delivery, signature check, the grain's state write and the poll interval.");
    }

    /// <summary>One passenger's journey; the BCBP string when it completed, else null (the failing step is recorded).</summary>
    private static async Task<string?> RunJourneyAsync(
        BenchContext ctx, HttpClient http, PassengerSlot slot, string tag,
        OperationRecorder start, OperationRecorder addBag, OperationRecorder pay, OperationRecorder resume, OperationRecorder complete)
    {
        var checkIn = $"/api/flights/{slot.FlightId}/check-ins/{slot.PassengerId}";
        using var started = await StepAsync(http, start, CheckInClient.Passenger(HttpMethod.Post, $"/api/flights/{slot.FlightId}/check-ins", slot.Token, $"{{\"passengerIds\":[\"{slot.PassengerId}\"]}}"), ctx.Cancellation);
        if (started is null)
        {
            return null;
        }
        using var waiting = await StepAsync(http, addBag, CheckInClient.Passenger(HttpMethod.Post, $"{checkIn}/bags", slot.Token, $"{{\"bagTag\":\"{tag}\"}}"), ctx.Cancellation);
        if (waiting?.RootElement.GetProperty("payment").GetProperty("intentId").GetString() is not { } intentId)
        {
            return null;
        }
        using (var paid = await StepAsync(http, pay, new HttpRequestMessage(HttpMethod.Post, $"/sim/payments/api/intents/{intentId}/pay"), ctx.Cancellation))
        {
            if (paid is null)
            {
                return null;
            }
        }
        var paidAt = Stopwatch.GetTimestamp();
        while (true)
        {
            var view = await HttpExchange.SendAsync(http, CheckInClient.Passenger(HttpMethod.Get, checkIn, slot.Token), true, ctx.Cancellation);
            if (view.IsSuccess && Status(view) == "IN_PROGRESS")
            {
                resume.Record(paidAt, Stopwatch.GetTimestamp(), 200, null);
                break;
            }
            if (!view.IsSuccess || Stopwatch.GetElapsedTime(paidAt) > ResumeDeadline)
            {
                resume.Record(paidAt, Stopwatch.GetTimestamp(), view.Status, view.IsSuccess ? "not resumed" : view.Describe());
                return null;
            }
            await Task.Delay(PollEvery, ctx.Cancellation);
        }
        using var done = await StepAsync(http, complete, CheckInClient.Passenger(HttpMethod.Post, $"{checkIn}/complete", slot.Token), ctx.Cancellation);
        return done?.RootElement.GetProperty("boardingPass").GetProperty("bcbp").GetString();
    }

    private static async Task<JsonDocument?> StepAsync(HttpClient http, OperationRecorder recorder, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var begin = Stopwatch.GetTimestamp();
        var outcome = await HttpExchange.SendAsync(http, request, true, cancellationToken);
        recorder.Record(begin, Stopwatch.GetTimestamp(), outcome.Status, outcome.IsSuccess ? null : outcome.Describe());
        return outcome.IsSuccess && outcome.Body is { Length: > 0 } body ? JsonDocument.Parse(body) : null;
    }

    private static string? Status(HttpOutcome outcome)
    {
        using var doc = JsonDocument.Parse(outcome.Body!);
        return doc.RootElement.GetProperty("status").GetString();
    }

    /// <summary>Every bag weighs 28.5 kg (overweight, not too heavy): set at the in-process Weight service, unmeasured.</summary>
    private static async Task WeighBagsAsync(BenchContext ctx, HttpClient http, IReadOnlyList<string> tags)
    {
        var done = 0;
        ctx.Progress.Phase("setup: bag weights at the Weight service (not measured)", detail: () => $"{done}/{tags.Count}");
        await Parallel.ForEachAsync(tags, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, ctx.Options.SetupConcurrency), CancellationToken = ctx.Cancellation }, async (tag, ct) =>
        {
            var request = new HttpRequestMessage(HttpMethod.Put, $"/sim/weight/api/bags/{tag}/weight")
            {
                Content = new StringContent("{\"weightKg\":28.5}", System.Text.Encoding.UTF8, "application/json"),
            };
            var outcome = await HttpExchange.SendAsync(http, request, false, ct);
            if (!outcome.IsSuccess)
            {
                throw new BenchException($"PUT /sim/weight/api/bags/{tag}/weight answered {outcome.Describe()}: the journey scenario needs the host's in-process Weight service (CheckIn__Weight__BaseUrl unset).");
            }
            Interlocked.Increment(ref done);
        });
    }

    /// <summary>For a sample of completed journeys: how many have exactly one PAYMENT_SUCCEEDED in their audit trail.</summary>
    private static async Task<(int Sampled, int ExactlyOnce)> AuditSampleAsync(BenchContext ctx, IReadOnlyList<PassengerSlot> sample)
    {
        var once = 0;
        foreach (var slot in sample)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/flights/{slot.FlightId}/check-in-events?passengerId={slot.PassengerId}");
            request.Headers.Add("X-Admin-Key", ctx.Target.AdminKey);
            var outcome = await HttpExchange.SendAsync(ctx.Admin.Http, request, true, ctx.Cancellation);
            if (outcome.IsSuccess && JsonNode.Parse(outcome.Body!) is JsonArray events
                && events.Count(e => (string?)e?["action"] == "PAYMENT_SUCCEEDED") == 1)
            {
                once++;
            }
        }
        return (sample.Count, once);
    }
}
