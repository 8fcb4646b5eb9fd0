using CheckIn.Contracts.Abuse;
using CheckIn.Contracts.Common;
using CheckIn.Grains.Telemetry;
using CheckIn.Host.Api;

namespace CheckIn.Host.Abuse;

/// <summary>
/// Where the front's refusals are counted (<c>checkin.abuse.rejections</c> by rule and code) and logged, whoever
/// produced them: the abuse middleware's 429s, a failed credential counted as a sign-in, a hold refused for its
/// passenger's hold cooldown. Rules are named as the API writes them (SNAKE_UPPER <see cref="AbuseRule"/>).
/// </summary>
public sealed partial class AbuseRejections(CheckInMetrics metrics, Pseudonyms pseudonyms, ILogger<AbuseRejections> logger)
{
    /// <summary>The rule of a 429 whose decision names none (a block with no recorded rule).</summary>
    public const string UnknownRule = "UNKNOWN";

    /// <summary>The rule behind HOLD_COOLDOWN.</summary>
    public static readonly string HoldCyclesRule = Problems.CodeOf(AbuseRule.HoldCycles);

    /// <summary>A 429 RATE_LIMITED or CLIENT_BLOCKED for <paramref name="client"/>.</summary>
    public void TooMany(Client client, GuardDecision decision, LimitedAction? action)
    {
        var rule = (decision.Rule ?? AbuseProblems.RuleOf(action)) is { } known ? Problems.CodeOf(known) : UnknownRule;
        var code = decision.Verdict == GuardVerdict.Blocked ? ProblemCodes.ClientBlocked : ProblemCodes.RateLimited;
        metrics.AbuseRejected(rule, code);
        // Debug: a refused client may send thousands of requests a minute, and each would be a line. The block itself
        // is logged once, by the grain that decided it; the counter above shows the refusals.
        if (logger.IsEnabled(LogLevel.Debug))
        {
            // No FlightId: the abuse check runs before anything has checked that the request's flight exists.
            using var scope = HostLogScope.Begin(logger, null, null, ActorOf(client.Key), rule);
            LogTooMany(logger, code, rule, client.Key);
        }
    }

    /// <summary>A hold refused with 409 HOLD_COOLDOWN: the passenger cycled holds too often.</summary>
    public void HoldCooldown(string flightId, string passengerId)
    {
        metrics.AbuseRejected(HoldCyclesRule, Problems.CodeOf(FailureCode.HoldCooldown));
        var passenger = pseudonyms.Passenger(passengerId);
        using var scope = HostLogScope.Begin(logger, flightId, passenger, $"passenger:{passenger}", HoldCyclesRule);
        LogHoldCooldown(logger, passenger!, flightId);
    }

    /// <summary>The actor of a log line about a client (a client key is no secret: <c>ip:…</c> or <c>key:{name}</c>).</summary>
    public static string ActorOf(string clientKey) => $"client:{clientKey}";

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refused with {Code} under rule {Rule}: client {ClientKey}")]
    private static partial void LogTooMany(ILogger logger, string code, string rule, string clientKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hold refused with HOLD_COOLDOWN: passenger {Passenger} on flight {FlightId} is in a hold cooldown")]
    private static partial void LogHoldCooldown(ILogger logger, string passenger, string flightId);
}
