using CheckIn.Grains.Telemetry;

namespace CheckIn.Grains.Audit;

/// <summary>
/// Keeps <see cref="CheckInMetrics.OutboxBacklog"/> equal to what one activation's outbox holds: each call reports the
/// difference since the last one (events written: +n, published: -n). An activation starts by reporting what a
/// previous one left, and ends by taking its events off this process's count (the next activation, wherever it is,
/// reports them again), so the gauge returns to 0 once everything is published.
/// </summary>
internal sealed class OutboxGauge(CheckInMetrics metrics, string log)
{
    private int _reported;

    /// <summary>The outbox now holds <paramref name="count"/> events.</summary>
    public void Track(int count)
    {
        metrics.OutboxBacklog(log, count - _reported);
        _reported = count;
    }
}
