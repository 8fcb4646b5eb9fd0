using System.Globalization;
using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Abuse;
using CheckIn.Host.Api;

namespace CheckIn.Host.Abuse;

/// <summary>The 429 answers: <c>RATE_LIMITED</c> and <c>CLIENT_BLOCKED</c>, with <c>Retry-After</c> and <c>retryAt</c>.</summary>
internal static class AbuseProblems
{
    public static IResult TooMany(GuardDecision decision, LimitedAction? action, ClientLimits limits, RateLimitOptions options, DateTimeOffset now)
    {
        var retryAt = decision.RetryAt is { } at && at > now ? at : now.AddSeconds(1);
        var text = retryAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var problem = decision.Verdict == GuardVerdict.Blocked
            ? Problems.Create(429, ProblemCodes.ClientBlocked, $"This client is blocked until {text}: {Describe(decision.Rule, limits, options)}.")
            : Problems.Create(429, ProblemCodes.RateLimited, $"Too many requests: {Describe(decision.Rule ?? RuleOf(action), limits, options)}. Try again after {text}.");
        problem.ProblemDetails.Extensions["retryAt"] = text;
        return new WithRetryAfter(problem, Problems.RetryAfterSeconds(retryAt, now));
    }

    /// <summary>The rule in words, with its numbers; never the client's key or secret.</summary>
    public static string Describe(AbuseRule? rule, ClientLimits limits, RateLimitOptions options) => rule switch
    {
        AbuseRule.SeatMapRate => $"at most {limits.SeatMapPerMinute} seat-map reads per minute",
        AbuseRule.SeatCommandRate => $"at most {limits.SeatCommandsPerMinute} seat commands per minute",
        AbuseRule.SessionRate => $"at most {limits.SessionsPerMinute} sign-in attempts per minute",
        AbuseRule.Burst => $"more than {options.BurstReads} seat-map reads within {options.BurstWindow.TotalSeconds:0.###} s",
        AbuseRule.Scrape => $"seat maps of {options.ScrapeDistinctFlights} or more flights within {options.ScrapeWindow.TotalSeconds:0.###} s",
        AbuseRule.Operator => "an operator's decision",
        _ => "too many requests",
    };

    /// <summary>The per-minute rule of a limited action (a refusal whose grain named no rule).</summary>
    public static AbuseRule? RuleOf(LimitedAction? action) => action switch
    {
        LimitedAction.SeatMapRead => AbuseRule.SeatMapRate,
        LimitedAction.SeatCommand => AbuseRule.SeatCommandRate,
        LimitedAction.Session => AbuseRule.SessionRate,
        _ => null,
    };

    /// <summary>The problem, with the whole seconds to wait (rounded up, at least 1) in <c>Retry-After</c>.</summary>
    private sealed class WithRetryAfter(IResult problem, long seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return problem.ExecuteAsync(httpContext);
        }
    }
}
