using System.Runtime.CompilerServices;
using System.Threading.Channels;
using CheckIn.Contracts;
using CheckIn.Contracts.Waitlist;
using CheckIn.Grains.Telemetry;

namespace CheckIn.Host.Api;

/// <summary>
/// One open event stream's subscription to a booking's inbox. The inbox pushes one-way into a bounded channel; the
/// reader sends the backlog after the resume point first, then live items, every sequence once and in order. A gap
/// (an item the full channel could not take, or one that overtook another) is read back from the inbox, which keeps
/// them all, so a slow client misses nothing. The inbox forgets observers it has not heard from for five minutes,
/// so the subscription is renewed every minute until the stream ends. An open feed is one
/// <c>checkin.stream.subscribers{stream="notifications"}</c> from its subscription until it is disposed.
/// </summary>
internal sealed partial class NotificationFeed : INotificationObserver, IAsyncDisposable
{
    public const string StreamName = "notifications";
    public const int PageSize = 200;
    public static readonly TimeSpan RenewalInterval = TimeSpan.FromMinutes(1);
    private const int Capacity = 64;
    private static readonly TimeSpan UnsubscribeTimeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Put in the channel after each renewal: the reader reads the inbox back from its last sequence, so anything
    /// stored while the inbox had lost this observer (it moved to another silo, say) is sent within a minute even if
    /// nothing newer arrives to reveal the gap.
    /// </summary>
    private static readonly StoredNotification Resync = new(-1, new PassengerNotification(Guid.Empty, "", "", "", [], [], 0, "", DateTimeOffset.MinValue));

    private readonly Channel<StoredNotification> _live = Channel.CreateBounded<StoredNotification>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _stop = new();
    private readonly IGrainFactory _grains;
    private readonly INotificationInboxGrain _inbox;
    private readonly string _booking;
    private readonly TimeProvider _time;
    private readonly CheckInMetrics _metrics;
    private readonly ILogger _logger;
    private INotificationObserver? _reference;
    private Task _renewal = Task.CompletedTask;
    private int _dropped;
    private int _disposed;
    private int _counted;

    private NotificationFeed(IGrainFactory grains, string pnr, FeedServices services)
    {
        _grains = grains;
        // Log lines name the booking by its pseudonym only: the PNR is half of the sign-in credential.
        _booking = services.Pseudonyms.Passenger(pnr)!;
        _inbox = grains.GetNotificationInboxGrain(pnr);
        _time = services.Time;
        _metrics = services.Metrics;
        _logger = services.Logger;
    }

    /// <summary>What a feed needs besides the grains and the booking.</summary>
    public sealed record FeedServices(TimeProvider Time, CheckInMetrics Metrics, Pseudonyms Pseudonyms, ILogger Logger);

    /// <summary>Subscribes before anything is read, so nothing stored after the backlog read can be missed.</summary>
    public static async Task<NotificationFeed> OpenAsync(IGrainFactory grains, string pnr, FeedServices services)
    {
        var feed = new NotificationFeed(grains, pnr, services);
        feed._reference = grains.CreateObjectReference<INotificationObserver>(feed);
        try
        {
            await feed._inbox.SubscribeAsync(feed._reference);
        }
        catch
        {
            await feed.DisposeAsync();
            throw;
        }
        // Counted only once open; DisposeAsync takes back exactly what was counted.
        Interlocked.Exchange(ref feed._counted, 1);
        feed._metrics.StreamSubscribers(StreamName, 1);
        feed._renewal = feed.RenewAsync(feed._stop.Token);
        return feed;
    }

    public Task OnNotificationAsync(StoredNotification notification)
    {
        if (!_live.Writer.TryWrite(notification))
        {
            Interlocked.Exchange(ref _dropped, 1);
        }
        return Task.CompletedTask;
    }

    /// <summary>Notifications after <paramref name="after"/>: the stored ones, then live ones, until cancelled.</summary>
    public async IAsyncEnumerable<StoredNotification> ReadAsync(long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var last = after;
        await foreach (var stored in ReadInboxAsync(last))
        {
            last = stored.Sequence;
            yield return stored;
        }
        while (await WaitForLiveAsync(cancellationToken))
        {
            while (_live.Reader.TryRead(out var next))
            {
                if (next.Sequence <= last && !ReferenceEquals(next, Resync))
                {
                    continue;
                }
                if (next.Sequence == last + 1 && Interlocked.Exchange(ref _dropped, 0) == 0)
                {
                    last = next.Sequence;
                    yield return next;
                    continue;
                }
                Interlocked.Exchange(ref _dropped, 0);
                await foreach (var stored in ReadInboxAsync(last))
                {
                    last = stored.Sequence;
                    yield return stored;
                }
            }
        }
    }

    private async IAsyncEnumerable<StoredNotification> ReadInboxAsync(long after)
    {
        while (true)
        {
            var page = await _inbox.ListAsync(after, PageSize);
            foreach (var stored in page)
            {
                after = stored.Sequence;
                yield return stored;
            }
            if (page.Count < PageSize)
            {
                yield break;
            }
        }
    }

    private async Task<bool> WaitForLiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _live.Reader.WaitToReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The client went away or the host is stopping: the stream simply ends.
            return false;
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(RenewalInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    await _inbox.SubscribeAsync(_reference!);
                    _live.Writer.TryWrite(Resync);
                }
                catch (Exception ex)
                {
                    // Tried again next minute; the inbox keeps an observer for five.
                    LogRenewalFailed(_logger, _booking, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (Interlocked.Exchange(ref _counted, 0) == 1)
        {
            _metrics.StreamSubscribers(StreamName, -1);
        }
        await _stop.CancelAsync();
        await _renewal;
        if (_reference is not null)
        {
            try
            {
                await _inbox.UnsubscribeAsync(_reference).WaitAsync(UnsubscribeTimeout);
            }
            catch (Exception ex)
            {
                // The inbox drops the observer by itself once the subscription lapses.
                LogUnsubscribeFailed(_logger, _booking, ex.GetType().Name);
            }
            _grains.DeleteObjectReference<INotificationObserver>(_reference);
        }
        _live.Writer.TryComplete();
        _stop.Dispose();
    }

    // The exception's type only: Orleans's messages name the target grain, and the inbox's key is the PNR.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the notification subscription of booking {Booking} failed ({Error})")]
    private static partial void LogRenewalFailed(ILogger logger, string booking, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Unsubscribing the notification stream of booking {Booking} failed ({Error})")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string booking, string error);
}
