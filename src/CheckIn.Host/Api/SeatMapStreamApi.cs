using System.Globalization;
using System.Text;
using CheckIn.Contracts.Abuse;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;
using CheckIn.Host.Abuse;

namespace CheckIn.Host.Api;

/// <summary>A seat as a <c>seats</c> event lists it.</summary>
public sealed record SeatChangeResponse(string SeatNumber, SeatStatus Status, DateTimeOffset? HoldExpiresAt);

/// <summary>The data of a <c>seats</c> event: the map's new version and only the seats that changed.</summary>
public sealed record SeatsChangedResponse(long Version, IReadOnlyList<SeatChangeResponse> Seats);

/// <summary>
/// The seat map as server-sent events: the full map first (<c>event: seatmap</c>), then one <c>event: seats</c> per
/// change, each with <c>id:</c> = the map version. Streams read from this process's hub of the flight, never from
/// a grain of their own.
/// </summary>
internal static class SeatMapStreamApi
{
    public const string SeatMapEvent = "seatmap";
    public const string SeatsEvent = "seats";
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan RetryHint = TimeSpan.FromSeconds(3);

    public static RouteGroupBuilder MapSeatMapStreamApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flights/{flightId}").WithTags("Seat map");
        group.MapGet("/seatmap/stream", Stream)
            .WithName("StreamSeatMap")
            .RateLimited(LimitedAction.SeatMapRead)
            .WithSummary("The flight's seat map as server-sent events: the full map, then the seats of each change.")
            .Produces<string>(200, "text/event-stream")
            .ProducesProblems(400, 404, 503);
        return group;
    }

    /// <summary>What a stream needs: the request and the services.</summary>
    public readonly record struct StreamScope(
        HttpContext Http, FlightCatalog Flights, SeatMapCache Cache, SeatMapHubs Hubs, TimeProvider Time, IHostApplicationLifetime Lifetime);

    public static async Task<IResult> Stream(string flightId, [AsParameters] StreamScope scope)
    {
        if (await scope.Flights.FindAsync(flightId) is not { } flight || await scope.Cache.GetAsync(flight) is not { } map)
        {
            return Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId"));
        }
        // An id that is not a version we sent (or from before a restart) simply gets the full map.
        var lastEventId = scope.Http.Request.Headers[NotificationsApi.LastEventIdHeader].ToString();
        long? resumeAfter = long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
        var subscription = scope.Hubs.Subscribe(flight, map);
        // Leaves the hub when the request ends, however it ends.
        scope.Http.Response.RegisterForDisposeAsync(subscription);
        return new SeatMapStreamResult(subscription, resumeAfter, scope.Cache, scope.Time, scope.Lifetime.ApplicationStopping);
    }

    private sealed class SeatMapStreamResult(
        SeatMapSubscription subscription, long? resumeAfter, SeatMapCache cache, TimeProvider time, CancellationToken stopping) : IResult
    {
        public async Task ExecuteAsync(HttpContext http)
        {
            var response = http.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            // Ends with the client or with the host: an open stream must not hold up a graceful shutdown.
            using var end = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
            try
            {
                await WriteAsync(http, $"retry: {(long)RetryHint.TotalMilliseconds}\n\n", end.Token);
                var last = await WriteStartAsync(http, end.Token);
                while (!end.IsCancellationRequested)
                {
                    if (!await WaitAsync(subscription, end.Token))
                    {
                        if (subscription.Changes.Completion.IsCompleted)
                        {
                            break;
                        }
                        await WriteAsync(http, ": keep-alive\n\n", end.Token);
                        continue;
                    }
                    if (subscription.TakeFellBehind())
                    {
                        while (subscription.Changes.TryRead(out _))
                        {
                        }
                        last = await WriteFullAsync(http, subscription.Current, last, end.Token);
                        continue;
                    }
                    while (subscription.Changes.TryRead(out var change))
                    {
                        if (change.Version <= last)
                        {
                            continue;
                        }
                        last = change.FromVersion == last
                            ? await WriteChangeAsync(http, change, end.Token)
                            : await WriteFullAsync(http, subscription.Current, last, end.Token);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The client went away or the host is stopping: the stream simply ends.
            }
        }

        /// <summary>The changes after the client's last event id if this hub still has them all, else the full map.</summary>
        private async Task<long> WriteStartAsync(HttpContext http, CancellationToken cancellationToken)
        {
            var current = subscription.JoinedAt;
            if (resumeAfter is { } after && after <= current.View.Version)
            {
                var later = subscription.History.Where(c => c.Version > after).ToList();
                var complete = after == current.View.Version || (later.Count > 0 && later[0].FromVersion == after);
                if (complete)
                {
                    var last = after;
                    foreach (var change in later)
                    {
                        last = await WriteChangeAsync(http, change, cancellationToken);
                    }
                    return last;
                }
            }
            return await WriteFullAsync(http, current, -1, cancellationToken);
        }

        private async Task<long> WriteFullAsync(HttpContext http, CachedSeatMap map, long last, CancellationToken cancellationToken)
        {
            if (map.View.Version <= last)
            {
                return last;
            }
            await WriteEventAsync(http, map.View.Version, SeatMapEvent, map.Bytes, cancellationToken);
            return map.View.Version;
        }

        private async Task<long> WriteChangeAsync(HttpContext http, SeatMapChange change, CancellationToken cancellationToken)
        {
            var data = new SeatsChangedResponse(change.Version, [.. change.Seats.Select(s => new SeatChangeResponse(s.SeatNumber, s.Status, s.HoldExpiresAt))]);
            await WriteEventAsync(http, change.Version, SeatsEvent, cache.Serialize(data), cancellationToken);
            return change.Version;
        }

        private static async Task WriteEventAsync(HttpContext http, long id, string type, byte[] json, CancellationToken cancellationToken)
        {
            var body = http.Response.Body;
            await body.WriteAsync(Encoding.UTF8.GetBytes($"id: {id.ToString(CultureInfo.InvariantCulture)}\nevent: {type}\ndata: "), cancellationToken);
            await body.WriteAsync(json, cancellationToken);
            await body.WriteAsync("\n\n"u8.ToArray(), cancellationToken);
            await body.FlushAsync(cancellationToken);
        }

        private static async Task WriteAsync(HttpContext http, string text, CancellationToken cancellationToken)
        {
            await http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
            await http.Response.Body.FlushAsync(cancellationToken);
        }

        /// <summary>True when a change is ready; false when <see cref="KeepAliveInterval"/> passed without one.</summary>
        private async Task<bool> WaitAsync(SeatMapSubscription subscription, CancellationToken cancellationToken)
        {
            using var keepAlive = new CancellationTokenSource(KeepAliveInterval, time);
            using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, keepAlive.Token);
            try
            {
                return await subscription.Changes.WaitToReadAsync(either.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }
    }
}
