using CheckIn.Contracts.Waitlist;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace CheckIn.Grains.Notifications;

internal sealed class NotificationInboxState
{
    public long LastSequence { get; set; }

    /// <summary>The newest notifications, oldest first (at most <see cref="NotificationInboxGrain.Capacity"/>).</summary>
    public List<StoredNotification> Items { get; set; } = [];
}

/// <summary>
/// A booking's notifications: stored before <see cref="AddAsync"/> returns (the sender retries until it does), then
/// pushed one-way to the session's open event streams. Calls nobody else, so anyone may await it.
/// </summary>
internal sealed class NotificationInboxGrain(
    [PersistentState("notification-inbox", StorageNames.Default)] IPersistentState<NotificationInboxState> state,
    ILogger<NotificationInboxGrain> logger) : Grain, INotificationInboxGrain
{
    public const int Capacity = 200;
    private static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(5);

    private readonly ObserverManager<INotificationObserver> _observers = new(SubscriptionLifetime, logger);

    public async Task AddAsync(PassengerNotification notification)
    {
        if (state.State.Items.Any(n => n.Notification.Id == notification.Id))
        {
            return;
        }
        var stored = new StoredNotification(state.State.LastSequence + 1, notification);
        state.State.LastSequence = stored.Sequence;
        state.State.Items.Add(stored);
        if (state.State.Items.Count > Capacity)
        {
            state.State.Items.RemoveRange(0, state.State.Items.Count - Capacity);
        }
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            await state.ReadStateAsync();
            throw;
        }
        await _observers.Notify(o => o.OnNotificationAsync(stored));
    }

    public Task<IReadOnlyList<StoredNotification>> ListAsync(long afterSequence, int limit)
    {
        IReadOnlyList<StoredNotification> found = [.. state.State.Items.Where(n => n.Sequence > afterSequence).Take(Math.Max(0, limit))];
        return Task.FromResult(found);
    }

    public Task SubscribeAsync(INotificationObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(INotificationObserver observer)
    {
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}
