using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using CheckIn.Contracts;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Telemetry;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

/// <param name="Sequence">Orders the booking's notifications; the event stream's event id.</param>
/// <param name="EntryId">The waitlist entry the notification is about.</param>
public sealed record NotificationResponse(
    long Sequence, Guid Id, string Type, string FlightId, string Pnr, IReadOnlyList<string> PassengerIds, IReadOnlyList<string> Seats,
    long EntryId, string Message, DateTimeOffset At);

public sealed record NotificationsResponse(IReadOnlyList<NotificationResponse> Notifications);

/// <summary>The session's booking's notifications: a list for clients that were offline, and a live event stream.</summary>
internal static class NotificationsApi
{
    public const int MaxLimit = 200;
    public const int DefaultLimit = 50;
    public const string LastEventIdHeader = "Last-Event-ID";

    public static RouteGroupBuilder MapNotificationsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/notifications").WithTags("Notifications").RequireAuthorization();
        group.MapGet("", List).WithName("ListNotifications")
            .WithSummary("The booking's notifications after a sequence number, oldest first.")
            .ProducesProblems(400, 401, 503);
        group.MapGet("/stream", Stream).WithName("StreamNotifications")
            .WithSummary("The booking's notifications as server-sent events (text/event-stream), resuming after Last-Event-ID.")
            .ProducesProblems(400, 401, 503);
        return group;
    }

    public static async Task<Results<Ok<NotificationsResponse>, ProblemHttpResult>> List(
        long? after, int? limit, ClaimsPrincipal user, IGrainFactory grains)
    {
        if (after is < 0)
        {
            return Problems.Validation("after", "after must be a sequence number, 0 or more.");
        }
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.Validation("limit", $"limit must be between 1 and {MaxLimit}.");
        }
        var stored = await grains.GetNotificationInboxGrain(user.Pnr()!).ListAsync(after ?? 0, limit ?? DefaultLimit);
        return TypedResults.Ok(new NotificationsResponse([.. stored.Select(ToResponse)]));
    }

    /// <summary>What a stream needs besides <c>after</c>: the request, its caller and the services.</summary>
    public readonly record struct StreamScope(
        HttpContext Http, ClaimsPrincipal User, IGrainFactory Grains, TimeProvider Time, IHostApplicationLifetime Lifetime,
        CheckInMetrics Metrics, Pseudonyms Pseudonyms, ILogger<NotificationFeed> Logger);

    public static async Task<Results<ServerSentEventsResult<NotificationResponse>, ProblemHttpResult>> Stream(long? after, [AsParameters] StreamScope scope)
    {
        var (http, user, grains, time, lifetime, metrics, pseudonyms, logger) = scope;
        if (after is < 0)
        {
            return Problems.Validation("after", "after must be a sequence number, 0 or more.");
        }
        // A reconnecting EventSource sends the last id it saw; it wins over the ?after= of the original URL.
        var resumeAfter = after ?? 0;
        var lastEventId = http.Request.Headers[LastEventIdHeader].ToString();
        if (lastEventId.Length > 0 && (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out resumeAfter)))
        {
            return Problems.Validation(LastEventIdHeader, $"{LastEventIdHeader} must be the id of an event of this stream (a sequence number).");
        }

        var feed = await NotificationFeed.OpenAsync(grains, user.Pnr()!, new NotificationFeed.FeedServices(time, metrics, pseudonyms, logger));
        // Unsubscribes when the request ends, however it ends.
        http.Response.RegisterForDisposeAsync(feed);
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.ServerSentEvents(EventsAsync(feed, resumeAfter, http, lifetime.ApplicationStopping));
    }

    private static async IAsyncEnumerable<SseItem<NotificationResponse>> EventsAsync(
        NotificationFeed feed, long after, HttpContext http, CancellationToken stopping, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Ends with the client or with the host: an open stream must not hold up a graceful shutdown.
        using var end = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, http.RequestAborted, stopping);
        try
        {
            // The headers go out now, so the client sees the stream open before the first notification.
            await http.Response.Body.FlushAsync(http.RequestAborted);
            await foreach (var stored in feed.ReadAsync(after, end.Token))
            {
                yield return new SseItem<NotificationResponse>(ToResponse(stored), stored.Notification.Type)
                {
                    EventId = stored.Sequence.ToString(CultureInfo.InvariantCulture),
                };
            }
        }
        finally
        {
            // As soon as the stream ends (client gone, host stopping), not when the server gets round to disposing
            // the request: the subscriber gauge and the inbox's observer list must not count a finished stream.
            await feed.DisposeAsync();
        }
    }

    private static NotificationResponse ToResponse(StoredNotification stored)
    {
        var n = stored.Notification;
        return new NotificationResponse(stored.Sequence, n.Id, n.Type, n.FlightId, n.Pnr, n.PassengerIds, n.Seats, n.EntrySequence, n.Message, n.At);
    }
}
