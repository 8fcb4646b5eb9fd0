using CheckIn.Contracts;
using System.Globalization;
using CheckIn.Contracts.Abuse;
using CheckIn.Grains.Audit;
using CheckIn.Host.Abuse;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CheckIn.Host.Api;

public sealed record AbuseIncidentResponse(
    Guid IncidentId, string ClientKey, AbuseRule Rule, int ObservedCount, double WindowSeconds, IncidentDecision Decision,
    DateTimeOffset? ExpiresAt, DateTimeOffset At, string Actor, string Reason);

public sealed record ClientBlockResponse(string ClientKey, AbuseRule Rule, DateTimeOffset BlockedAt, DateTimeOffset ExpiresAt, Guid IncidentId);

/// <summary>Abuse protection for operators: the incident trail, the active blocks, lifting a block. Requires <c>X-Admin-Key</c>.</summary>
internal static class AdminAbuseApi
{
    public const int MaxIncidents = 1000;
    public const int DefaultIncidents = 100;
    public const int MaxClientKeyLength = 200;

    public static RouteGroupBuilder MapAdminAbuseApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(AdminKey.PathPrefix + "/abuse").WithTags("Admin");
        group.MapGet("/incidents", GetIncidents).WithName("GetAbuseIncidents")
            .WithSummary("Blocks, lifted and expired blocks and hold cooldowns, newest first; filter by time, client and rule.")
            .ProducesProblems(400, 401, 503);
        group.MapGet("/blocks", GetBlocks).WithName("GetClientBlocks")
            .WithSummary("The clients blocked now, across the cluster.")
            .ProducesProblems(401, 503);
        group.MapDelete("/blocks/{clientKey}", LiftBlock).WithName("LiftClientBlock")
            .WithSummary("Lift a client's block now (incident BLOCK_LIFTED, actor admin); the client key URL-encoded.")
            .ProducesProblems(400, 401, 404, 503);
        return group;
    }

    /// <summary>The query of <see cref="GetIncidents"/>, read as text so a bad value is a 400 naming its parameter.</summary>
    public readonly record struct IncidentFilter(
        [FromQuery(Name = "from")] string? From, [FromQuery(Name = "to")] string? To, [FromQuery(Name = "client")] string? Client,
        [FromQuery(Name = "rule")] string? Rule, [FromQuery(Name = "limit")] string? Limit)
    {
        public (IncidentQuery? Query, ProblemHttpResult? Problem) Parse()
        {
            if (!TryTime(From, out var from))
            {
                return (null, Problems.Validation("from", "from must be an ISO 8601 date and time with an offset, such as 2030-06-01T09:30:00Z."));
            }
            if (!TryTime(To, out var to))
            {
                return (null, Problems.Validation("to", "to must be an ISO 8601 date and time with an offset, such as 2030-06-01T09:30:00Z."));
            }
            if (from is not null && to is not null && to < from)
            {
                return (null, Problems.Validation("to", "to must not be before from."));
            }
            if (Client is not null && !IsClientKey(Client))
            {
                return (null, Problems.Validation("client", $"client must be a client key such as ip:203.0.113.7, key:partner or passenger:FLIGHT/PASSENGER (at most {MaxClientKeyLength} characters)."));
            }
            AbuseRule? rule = null;
            if (Rule is not null)
            {
                if (RuleNamed(Rule) is not { } named)
                {
                    return (null, Problems.Validation("rule", $"rule must be one of {string.Join(", ", Enum.GetValues<AbuseRule>().Select(Problems.CodeOf))}."));
                }
                rule = named;
            }
            var limit = DefaultIncidents;
            if (Limit is not null && (!int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxIncidents))
            {
                return (null, Problems.Validation("limit", $"limit must be a whole number between 1 and {MaxIncidents}."));
            }
            return (new IncidentQuery(from, to, Client, rule, limit), null);
        }

        private static bool TryTime(string? text, out DateTimeOffset? value)
        {
            value = null;
            if (text is null)
            {
                return true;
            }
            // An offset is required: a local time would mean something different on every server.
            var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && (text[^6] is '+' or '-') && text[^3] == ':');
            if (!hasOffset || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            {
                return false;
            }
            value = parsed;
            return true;
        }

        private static AbuseRule? RuleNamed(string text) =>
            Enum.GetValues<AbuseRule>().Where(r => Problems.CodeOf(r) == text).Select(r => (AbuseRule?)r).FirstOrDefault();
    }

    public static async Task<Results<Ok<IReadOnlyList<AbuseIncidentResponse>>, ProblemHttpResult>> GetIncidents(
        [AsParameters] IncidentFilter filter, IAbuseIncidentLog incidents, CancellationToken cancellationToken)
    {
        var (query, problem) = filter.Parse();
        if (problem is not null)
        {
            return problem;
        }
        var found = await incidents.QueryAsync(query!, cancellationToken);
        IReadOnlyList<AbuseIncidentResponse> response = [.. found.Select(i => new AbuseIncidentResponse(
            i.IncidentId, i.ClientKey, i.Rule, i.ObservedCount, i.Window.TotalSeconds, i.Decision, i.ExpiresAt, i.At, i.Actor, i.Reason))];
        return TypedResults.Ok(response);
    }

    public static async Task<Ok<IReadOnlyList<ClientBlockResponse>>> GetBlocks(IGrainFactory grains, TimeProvider time)
    {
        var snapshot = await grains.GetBlockListGrain().GetAsync(-1);
        var now = time.GetUtcNow();
        IReadOnlyList<ClientBlockResponse> response = [.. (snapshot.Blocks ?? []).Where(b => b.ExpiresAt > now)
            .OrderBy(b => b.ExpiresAt)
            .Select(b => new ClientBlockResponse(b.ClientKey, b.Rule, b.BlockedAt, b.ExpiresAt, b.IncidentId))];
        return TypedResults.Ok(response);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> LiftBlock(string clientKey, IGrainFactory grains, ClientGuard guard)
    {
        // A key with a slash (an IPv6 /64) arrives with the slash still encoded: routing never decodes %2F.
        var key = Uri.UnescapeDataString(clientKey);
        if (!IsClientKey(key) || key.StartsWith("passenger:", StringComparison.Ordinal))
        {
            return Problems.Validation("clientKey", "clientKey must be a client key such as ip:203.0.113.7 or key:partner.");
        }
        if (!await grains.GetClientGuardGrain(key).LiftAsync("admin", "lifted through the admin API"))
        {
            return Problems.Create(404, ProblemCodes.NotFound, $"Client {key} is not blocked.", "clientKey");
        }
        guard.Forget(key);
        return TypedResults.NoContent();
    }

    private static bool IsClientKey(string key) =>
        key.Length <= MaxClientKeyLength
        && (key.StartsWith("ip:", StringComparison.Ordinal) || key.StartsWith("key:", StringComparison.Ordinal) || key.StartsWith("passenger:", StringComparison.Ordinal))
        && key.All(c => c > ' ' && c < 0x7f);
}
