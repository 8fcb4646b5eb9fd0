using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CheckIn.Grains.Telemetry;

/// <summary>
/// Orleans.CheckIn's own instruments, one meter (<see cref="MeterName"/>) per process, shared by the grains and the
/// HTTP front end. Tags are low-cardinality: a flight id is allowed, a seat, passenger or client never is. Each
/// method names the operator's question it answers; README "Operating it" lists the Prometheus names
/// (dots become underscores, counters get <c>_total</c>, seconds get <c>_seconds</c>).
/// </summary>
public sealed class CheckInMetrics
{
    /// <summary>The meter every instrument here belongs to.</summary>
    public const string MeterName = "Orleans.CheckIn";

    /// <summary>Bucket bounds (seconds) of the latency histograms: fine below a second, where the SLOs are.</summary>
    public static readonly IReadOnlyList<double> LatencyBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 30, 60];

    private readonly Counter<long> _seatCommands;
    private readonly Counter<long> _holdsEnded;
    private readonly Histogram<double> _holdExpiryLag;
    private readonly Histogram<double> _waitlistAssignmentLatency;
    private readonly Counter<long> _seatMapRequests;
    private readonly UpDownCounter<long> _streamSubscribers;
    private readonly Counter<long> _abuseRejections;
    private readonly Counter<long> _abuseBlocks;
    private readonly Counter<long> _checkInTransitions;
    private readonly Counter<long> _paymentWebhooks;
    private readonly UpDownCounter<long> _outboxBacklog;
    private readonly Counter<long> _apiRetries;
    private readonly ConcurrentDictionary<string, long> _waitlistLengths = new(StringComparer.Ordinal);

    public CheckInMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets };
        _seatCommands = meter.CreateCounter<long>("checkin.seat.commands", "{command}",
            "Seat commands by command (hold, confirm, release, claim, assign, end_offer, block, unblock) and outcome (ok or the failure code).");
        _holdsEnded = meter.CreateCounter<long>("checkin.seat.holds.ended", "{hold}",
            "Holds that ended, by how: confirmed, expired or released.");
        _holdExpiryLag = meter.CreateHistogram("checkin.seat.hold_expiry_lag", "s",
            "From a hold's holdExpiresAt to the seat durably AVAILABLE or OFFERED again.", advice: latency);
        _waitlistAssignmentLatency = meter.CreateHistogram("checkin.waitlist.assignment_latency", "s",
            "From a seat freed (offered to the waitlist) to it durably assigned to the first suitable passenger in line.", advice: latency);
        meter.CreateObservableGauge("checkin.waitlist.length", ObserveWaitlistLengths, "{passenger}",
            "Passengers waiting in a flight's line (reported by the process that hosts the flight's waitlist).");
        _seatMapRequests = meter.CreateCounter<long>("checkin.seatmap.requests", "{request}",
            "Seat-map reads by status (200, 304) and whether this process's copy was fresh (cache hit or miss).");
        _streamSubscribers = meter.CreateUpDownCounter<long>("checkin.stream.subscribers", "{subscriber}",
            "Open event streams in this process, by stream (seatmap, notifications).");
        _abuseRejections = meter.CreateCounter<long>("checkin.abuse.rejections", "{request}",
            "Requests refused by abuse protection, by rule and code (RATE_LIMITED, CLIENT_BLOCKED, HOLD_COOLDOWN).");
        _abuseBlocks = meter.CreateCounter<long>("checkin.abuse.blocks", "{block}",
            "Clients blocked, by the rule that blocked them.");
        _checkInTransitions = meter.CreateCounter<long>("checkin.checkin.transitions", "{transition}",
            "Check-in state transitions, by from and to status.");
        _paymentWebhooks = meter.CreateCounter<long>("checkin.payment.webhooks", "{webhook}",
            "Payment webhooks by outcome (applied, duplicate, bad_signature, unknown_intent, malformed).");
        _outboxBacklog = meter.CreateUpDownCounter<long>("checkin.audit.outbox.backlog", "{event}",
            "Audit events written with their grain's state but not yet in the audit log, in this process, by log (seat, checkin, waitlist).");
        _apiRetries = meter.CreateCounter<long>("checkin.api.retries", "{retry}",
            "Requests the host repeated once after a transient cluster or storage failure, by route (template) and outcome (succeeded, unavailable, failed, cancelled).");
    }

    /// <summary>How many seat commands, and how many conflicts (outcome SEAT_UNAVAILABLE, …) per flight.</summary>
    public void SeatCommand(string flightId, string command, string outcome) =>
        _seatCommands.Add(1, new("flight", flightId), new("command", command), new("outcome", outcome));

    /// <summary>Do holds become confirms, or expire? <paramref name="outcome"/>: confirmed, expired or released.</summary>
    public void HoldEnded(string flightId, string outcome) =>
        _holdsEnded.Add(1, new("flight", flightId), new("outcome", outcome));

    /// <summary>Are holds expiring on time?</summary>
    public void HoldExpiryLag(string flightId, TimeSpan lag) =>
        _holdExpiryLag.Record(Math.Max(0, lag.TotalSeconds), new KeyValuePair<string, object?>("flight", flightId));

    /// <summary>Is the waitlist keeping up?</summary>
    public void WaitlistAssigned(string flightId, TimeSpan latency) =>
        _waitlistAssignmentLatency.Record(Math.Max(0, latency.TotalSeconds), new KeyValuePair<string, object?>("flight", flightId));

    /// <summary>A flight's line length as its waitlist grain (in this process) now sees it.</summary>
    public void WaitlistLength(string flightId, int length) => _waitlistLengths[flightId] = length;

    /// <summary>The flight's waitlist left this process (deactivated): another process reports it from now on.</summary>
    public void WaitlistGone(string flightId) => _waitlistLengths.TryRemove(flightId, out _);

    /// <summary>Seat-map reads: <paramref name="status"/> 200 or 304; <paramref name="fresh"/> when served from this process's copy.</summary>
    public void SeatMapRequest(string flightId, int status, bool fresh) =>
        _seatMapRequests.Add(1, new("flight", flightId), new("status", status), new("cache", fresh ? "hit" : "miss"));

    /// <summary>An event stream opened (+1) or closed (-1): <paramref name="stream"/> is seatmap or notifications.</summary>
    public void StreamSubscribers(string stream, int delta) =>
        _streamSubscribers.Add(delta, new KeyValuePair<string, object?>("stream", stream));

    /// <summary>Which rule refused a request, with which code.</summary>
    public void AbuseRejected(string rule, string code) =>
        _abuseRejections.Add(1, new("rule", rule), new("code", code));

    /// <summary>Which rule blocked a client.</summary>
    public void ClientBlocked(string rule) =>
        _abuseBlocks.Add(1, new KeyValuePair<string, object?>("rule", rule));

    /// <summary>Check-ins moving between states (IN_PROGRESS, WAITING_FOR_PAYMENT, COMPLETED, CANCELLED, …).</summary>
    public void CheckInTransition(string flightId, string from, string to) =>
        _checkInTransitions.Add(1, new("flight", flightId), new("from", from), new("to", to));

    /// <summary>Payment webhooks by outcome.</summary>
    public void PaymentWebhook(string outcome) =>
        _paymentWebhooks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <summary>A request repeated after a transient failure: <paramref name="route"/> is the template (never the path), <paramref name="outcome"/> how the repeat ended.</summary>
    public void ApiRetry(string route, string outcome) =>
        _apiRetries.Add(1, new("route", route), new("outcome", outcome));

    /// <summary>Audit events entered (+count) or left (-count) an outbox of this process: <paramref name="log"/> is seat, checkin or waitlist.</summary>
    public void OutboxBacklog(string log, int delta)
    {
        if (delta != 0)
        {
            _outboxBacklog.Add(delta, new KeyValuePair<string, object?>("log", log));
        }
    }

    private IEnumerable<Measurement<long>> ObserveWaitlistLengths()
    {
        foreach (var (flight, length) in _waitlistLengths)
        {
            yield return new Measurement<long>(length, new KeyValuePair<string, object?>("flight", flight));
        }
    }
}

public static class CheckInMetricsServices
{
    /// <summary>Registers <see cref="CheckInMetrics"/> (and the meter factory it needs) and <see cref="Pseudonyms"/> in a silo's or host's services.</summary>
    public static IServiceCollection AddCheckInMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<CheckInMetrics>();
        services.AddOptions<PseudonymOptions>();
        services.TryAddSingleton<Pseudonyms>();
        return services;
    }
}
