using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using Orleans.Concurrency;

namespace CheckIn.Contracts.Waitlist;

/// <summary>
/// A flight's waitlist (key flight id). It alone orders the line and decides who gets a seat freed while someone
/// waits: seats offer themselves to it one-way; it claims and assigns them through the passengers' seat grains, which
/// never call it back. Non-reentrant: one decision at a time.
/// </summary>
public interface IWaitlistGrain : IGrainWithStringKey
{
    /// <summary>
    /// Joins the line (or returns the passenger's entry that is still WAITING: joining twice is a repeat). If a seat
    /// that suits the entry is free right now it is assigned before this returns (the entry comes back ASSIGNED).
    /// The waitlist owns who may join and refuses, with the request field at fault: NOT_ON_FLIGHT, CABIN_NOT_BOOKED,
    /// VALIDATION_FAILED (a group wider than the cabin's rows), PREFERENCE_ALREADY_MET, ALREADY_WAITLISTED, then the
    /// check-in window's CHECKIN_NOT_OPEN / CHECKIN_CLOSED.
    /// </summary>
    Task<Result<WaitlistEntry>> JoinAsync(WaitlistJoin join, CommandContext context);

    /// <summary>The passenger's most recent entry (any state), with its place in line while WAITING.</summary>
    Task<Result<WaitlistEntry>> GetAsync(string passengerId);

    /// <summary>Leaves the line: WAITING → LEFT. Repeating it returns the LEFT entry.</summary>
    Task<Result<WaitlistEntry>> LeaveAsync(string passengerId, CommandContext context);

    /// <summary>Every entry of the flight in joining order (operators).</summary>
    Task<IReadOnlyList<WaitlistEntry>> ListAsync();

    /// <summary>
    /// A seat of <paramref name="cabin"/> became free and is reserved for the waitlist until it is assigned or the
    /// offer ends. One-way: the seat never waits for the waitlist. Sent again by the seat until answered;
    /// <paramref name="version"/> (the seat's version when it went OFFERED) lets the waitlist ignore a repeat that
    /// arrives after it answered.
    /// </summary>
    [OneWay]
    Task SeatOfferedAsync(string seatNumber, Cabin cabin, long version);
}

/// <summary>
/// Which cabins of a flight have passengers waiting (key flight id). Seats ask it when they become free; the
/// waitlist sets it before an entry is reported WAITING and clears it after the last one of a cabin ends. It calls
/// nobody, so neither side can be waited on in a cycle. Too much demand is harmless (the waitlist ends the offer).
/// </summary>
public interface IWaitlistDemandGrain : IGrainWithStringKey
{
    [ReadOnly]
    Task<bool> HasDemandAsync(Cabin cabin);

    Task SetAsync(IReadOnlyList<Cabin> cabins);
}

/// <summary>
/// A booking's notifications (key PNR): the list clients that were offline read, and the live feed behind the
/// session's server-sent event stream. Calls nobody but its observers (one-way).
/// </summary>
public interface INotificationInboxGrain : IGrainWithStringKey
{
    /// <summary>Stores a notification (once per id) and pushes it to the live subscribers.</summary>
    Task AddAsync(PassengerNotification notification);

    /// <summary>Notifications after <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredNotification>> ListAsync(long afterSequence, int limit);

    /// <summary>Subscribes (or renews) a live observer; subscriptions lapse after a few minutes without renewal.</summary>
    Task SubscribeAsync(INotificationObserver observer);

    Task UnsubscribeAsync(INotificationObserver observer);
}

/// <summary>A live subscriber (one per open event stream).</summary>
public interface INotificationObserver : IGrainObserver
{
    [OneWay]
    Task OnNotificationAsync(StoredNotification notification);
}
