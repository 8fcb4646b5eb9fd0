using CheckIn.Contracts;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CheckIn.Grains.Seats;

/// <summary>
/// One Orleans reminder per flight backs up every hold and waitlist offer of the flight. A seat arms it before it
/// writes a hold or an offer; each tick asks the audit trail which seats are held or offered (a seat's state and its
/// events are written in one transaction in durable mode, so the trail is exact) and nudges, one-way, every hold past
/// its expiry and every offer. The reminder goes once the flight has nothing open and nobody armed it for a hold's
/// lifetime and a tick. A hold therefore costs no reminder write of its own; after a crash a hold expires at the first
/// tick past its expiry (within a minute) instead of at its own instant, and while the seat is active its grain timer
/// expires it on time.
/// </summary>
internal sealed partial class HoldBackstopGrain(
    IAuditLog auditLog,
    TimeProvider time,
    IOptions<SeatHoldOptions> options,
    ILogger<HoldBackstopGrain> logger) : Grain, IHoldBackstopGrain, IRemindable
{
    private const string ReminderName = "holds";
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    /// <summary>The first tick comes just after the hold that armed the reminder expires.</summary>
    private static readonly TimeSpan FirstTickMargin = TimeSpan.FromSeconds(1);

    private bool _armed;

    /// <summary>When a seat last armed the reminder; an activation assumes "just now" (it cannot know).</summary>
    private DateTimeOffset _lastArmed;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _lastArmed = time.GetUtcNow();
        return Task.CompletedTask;
    }

    public async Task ArmAsync()
    {
        _lastArmed = time.GetUtcNow();
        if (!_armed)
        {
            await this.RegisterOrUpdateReminder(ReminderName, options.Value.HoldDuration + FirstTickMargin, Period);
            _armed = true;
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ReminderName)
        {
            return;
        }
        var flightId = this.GetPrimaryKeyString();
        var now = time.GetUtcNow();
        var open = await auditLog.OpenSeatsAsync(flightId);
        foreach (var seat in open.Where(s => s.Status == SeatStatus.Offered || s.Since + options.Value.HoldDuration <= now))
        {
            GrainFactory.GetSeatGrain(flightId, seat.SeatNumber).BackstopAsync().Ignore();
        }
        if (open.Count == 0 && now - _lastArmed > options.Value.HoldDuration + Period)
        {
            // Nothing open, and any hold armed since the last write it could have made is already in the trail.
            if (await this.GetReminder(ReminderName) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
            _armed = false;
            LogDisarmed(logger, flightId);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Flight {FlightId}: no seat held or offered; hold backstop reminder removed")]
    private static partial void LogDisarmed(ILogger logger, string flightId);
}
