using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.Metadata;

namespace CheckIn.Host.Api;

/// <summary>
/// <c>Idempotency-Key</c> support for a route group: the first response (2xx or 4xx) under a key is kept for 24 h
/// and replayed to repeats with the same method, path and body; the same key with anything else is a 422.
/// Keys are scoped to the caller's booking so two bookings never collide.
/// </summary>
internal sealed partial class IdempotencyFilter(IGrainFactory grains) : IEndpointFilter
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    private static readonly object KeyedItem = new();

    /// <summary>
    /// The request carries a well-formed key on a route that honours it: its command is one whose repeat cannot apply
    /// twice (every keyed route's grain answers a repeat with the state it is in), so it may be retried.
    /// </summary>
    public static bool IsKeyed(HttpContext http) => http.Items.ContainsKey(KeyedItem);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = http.Request.Headers[Header].ToString();
        if (key.Length == 0)
        {
            return await next(context);
        }
        if (!KeyPattern().IsMatch(key))
        {
            return Problems.Validation(Header, $"{Header} must be 1-100 characters of letters, digits, '-', '_', ':' or '.'.");
        }
        http.Items[KeyedItem] = true;

        var grain = grains.GetIdempotencyGrain(http.User.Pnr() ?? "anonymous", key);
        var fingerprint = Fingerprint(context);
        var check = await grain.BeginAsync(fingerprint);
        switch (check.Decision)
        {
            case IdempotencyDecision.Replay:
                http.Response.Headers[ReplayedHeader] = "true";
                return new Replay(check.Response!);
            case IdempotencyDecision.Mismatch:
                return Problems.Create(422, ProblemCodes.IdempotencyKeyReused, $"This {Header} was already used for a different request.", Header);
            case IdempotencyDecision.InProgress:
                http.Response.Headers.RetryAfter = "1";
                return Problems.Create(409, ProblemCodes.IdempotencyKeyInProgress, $"A request with this {Header} is still running; retry shortly.", Header);
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            var result = await next(context);
            if (result is IResult executable)
            {
                await executable.ExecuteAsync(http);
            }
            var status = http.Response.StatusCode;
            if (status < 500)
            {
                // A 201's Location is part of its answer: a replay without it would tell the client less.
                var location = http.Response.Headers.Location.ToString();
                await grain.CompleteAsync(fingerprint, new StoredResponse(
                    status, http.Response.ContentType ?? "application/json", buffer.ToArray(), location.Length > 0 ? location : null));
            }
            else
            {
                await grain.AbandonAsync(fingerprint);
            }
        }
        catch
        {
            await grain.AbandonAsync(fingerprint);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>
    /// Method, path and the bound request body (re-serialized, so formatting differences do not count as a
    /// different request). The body is the argument of the type the endpoint declares it accepts: the
    /// <see cref="IAcceptsMetadata"/> the framework adds for a JSON body parameter names it.
    /// </summary>
    private static string Fingerprint(EndpointFilterInvocationContext context)
    {
        var request = context.HttpContext.Request;
        var bodyType = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var body = bodyType is null ? null : context.Arguments.FirstOrDefault(a => a is not null && a.GetType() == bodyType);
        var text = $"{request.Method} {request.Path}\n{JsonSerializer.Serialize(body)}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    [GeneratedRegex("^[A-Za-z0-9_:.\\-]{1,100}$")]
    private static partial Regex KeyPattern();

    /// <summary>Writes a stored response exactly as it was first sent.</summary>
    private sealed class Replay(StoredResponse response) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = response.StatusCode;
            httpContext.Response.ContentType = response.ContentType;
            if (response.Location is { } location)
            {
                httpContext.Response.Headers.Location = location;
            }
            return httpContext.Response.Body.WriteAsync(response.Body).AsTask();
        }
    }
}
