using System.Text.Json;
using System.Threading.Channels;

namespace CheckIn.Payments;

/// <summary>
/// The delivery queue between the API and <see cref="WebhookDeliveryService"/>. Publishing never waits for the
/// receiver. While held, deliveries (including retries) are parked and released in FIFO or reverse order, which is
/// how tests provoke out-of-order webhooks.
/// </summary>
internal sealed class WebhookDispatcher(TimeProvider time) : IDisposable
{
    private readonly Channel<Delivery> _queue = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Lock _gate = new();
    private readonly List<EventRecord> _events = [];
    private readonly Dictionary<string, EventRecord> _eventsById = new(StringComparer.Ordinal);
    private readonly List<Delivery> _held = [];
    private bool _holding;

    public ChannelReader<Delivery> Reader => _queue.Reader;

    public EventRecord Publish(PaymentWebhookEvent evt, DeliveryPlan plan)
    {
        var record = new EventRecord(evt, JsonSerializer.SerializeToUtf8Bytes(evt, PaymentJson.Options));
        lock (_gate)
        {
            _events.Add(record);
            _eventsById.Add(evt.Id, record);
        }
        for (var copy = 0; copy <= plan.Duplicates; copy++)
        {
            Schedule(new Delivery(record, 1), plan.Delay);
        }
        return record;
    }

    public bool Redeliver(string eventId)
    {
        EventRecord? record;
        lock (_gate)
        {
            record = _eventsById.GetValueOrDefault(eventId);
        }
        if (record is not null)
        {
            Schedule(new Delivery(record, 1), TimeSpan.Zero);
        }
        return record is not null;
    }

    public IReadOnlyList<EventRecord> Events()
    {
        lock (_gate)
        {
            return [.. _events];
        }
    }

    public EventRecord? FindEvent(string eventId)
    {
        lock (_gate)
        {
            return _eventsById.GetValueOrDefault(eventId);
        }
    }

    /// <summary>Starts parking deliveries; returns how many are parked.</summary>
    public int Hold()
    {
        lock (_gate)
        {
            _holding = true;
            return _held.Count;
        }
    }

    /// <summary>Stops parking and queues the parked deliveries in the given order; returns how many were released.</summary>
    public int Release(bool reverse)
    {
        lock (_gate)
        {
            _holding = false;
            var batch = reverse ? Enumerable.Reverse(_held).ToList() : [.. _held];
            _held.Clear();
            foreach (var delivery in batch)
            {
                _queue.Writer.TryWrite(delivery);
            }
            return batch.Count;
        }
    }

    public int HeldCount()
    {
        lock (_gate)
        {
            return _held.Count;
        }
    }

    public void Schedule(Delivery delivery, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Enqueue(delivery);
        }
        else
        {
            _ = EnqueueLaterAsync(delivery, delay);
        }
    }

    public void Dispose()
    {
        // The source is cancelled, not disposed: a late Schedule must still be able to read its token.
        _shutdown.Cancel();
        _queue.Writer.TryComplete();
    }

    private async Task EnqueueLaterAsync(Delivery delivery, TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, time, _shutdown.Token);
            Enqueue(delivery);
        }
        catch (OperationCanceledException)
        {
            // shutting down: undelivered events die with the in-memory simulator
        }
    }

    private void Enqueue(Delivery delivery)
    {
        lock (_gate)
        {
            if (_holding)
            {
                _held.Add(delivery);
            }
            else
            {
                _queue.Writer.TryWrite(delivery);
            }
        }
    }
}
