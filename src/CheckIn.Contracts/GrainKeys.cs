using CheckIn.Contracts.Abuse;
using CheckIn.Contracts.Bookings;
using CheckIn.Contracts.CheckIns;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Contracts.Waitlist;

namespace CheckIn.Contracts;

/// <summary>The only place that knows how grain keys are built and split.</summary>
public static class GrainKeys
{
    private const char Separator = '/';

    /// <summary>Joins a flight id and a seat number or passenger id into a compound key.</summary>
    public static string Compound(string flightId, string part) => string.Concat(flightId, "/", part);

    /// <summary>Splits a compound key into its flight id and second part.</summary>
    public static (string FlightId, string Part) Split(string key)
    {
        var at = key.IndexOf(Separator, StringComparison.Ordinal);
        if (at <= 0 || at == key.Length - 1)
        {
            throw new ArgumentException($"'{key}' is not a compound grain key.", nameof(key));
        }
        return (key[..at], key[(at + 1)..]);
    }

    /// <summary>The seat grain of one seat.</summary>
    public static ISeatGrain GetSeatGrain(this IGrainFactory factory, string flightId, string seatNumber) =>
        factory.GetGrain<ISeatGrain>(Compound(flightId, seatNumber));

    /// <summary>The grain that keeps one passenger to one seat on a flight.</summary>
    public static IPassengerSeatGrain GetPassengerSeatGrain(this IGrainFactory factory, string flightId, string passengerId) =>
        factory.GetGrain<IPassengerSeatGrain>(Compound(flightId, passengerId));

    /// <summary>One passenger's check-in on a flight.</summary>
    public static ICheckInGrain GetCheckInGrain(this IGrainFactory factory, string flightId, string passengerId) =>
        factory.GetGrain<ICheckInGrain>(Compound(flightId, passengerId));

    /// <summary>A flight's check-in sequence numbers.</summary>
    public static ICheckInSequenceGrain GetCheckInSequenceGrain(this IGrainFactory factory, string flightId) =>
        factory.GetGrain<ICheckInSequenceGrain>(flightId);

    /// <summary>A flight's definition.</summary>
    public static IFlightGrain GetFlightGrain(this IGrainFactory factory, string flightId) =>
        factory.GetGrain<IFlightGrain>(flightId);

    /// <summary>The durable backstop of a flight's holds and waitlist offers.</summary>
    public static IHoldBackstopGrain GetHoldBackstopGrain(this IGrainFactory factory, string flightId) =>
        factory.GetGrain<IHoldBackstopGrain>(flightId);

    /// <summary>A flight's seat map read model.</summary>
    public static ISeatMapGrain GetSeatMapGrain(this IGrainFactory factory, string flightId) =>
        factory.GetGrain<ISeatMapGrain>(flightId);

    /// <summary>A booking by PNR (upper case).</summary>
    public static IBookingGrain GetBookingGrain(this IGrainFactory factory, string pnr) =>
        factory.GetGrain<IBookingGrain>(pnr.Trim().ToUpperInvariant());

    /// <summary>A flight's waitlist.</summary>
    public static IWaitlistGrain GetWaitlistGrain(this IGrainFactory factory, string flightId) =>
        factory.GetGrain<IWaitlistGrain>(flightId);

    /// <summary>Which cabins of a flight have passengers waiting.</summary>
    public static IWaitlistDemandGrain GetWaitlistDemandGrain(this IGrainFactory factory, string flightId) =>
        factory.GetGrain<IWaitlistDemandGrain>(flightId);

    /// <summary>A booking's notifications (PNR, upper case).</summary>
    public static INotificationInboxGrain GetNotificationInboxGrain(this IGrainFactory factory, string pnr) =>
        factory.GetGrain<INotificationInboxGrain>(pnr.Trim().ToUpperInvariant());

    /// <summary>One idempotency key in one caller's scope.</summary>
    public static IIdempotencyGrain GetIdempotencyGrain(this IGrainFactory factory, string scope, string key) =>
        factory.GetGrain<IIdempotencyGrain>(Compound(scope, key));

    /// <summary>The guard that counts one client's attempts (key: <c>ip:…</c> or <c>key:…</c>, as the Host builds it).</summary>
    public static IClientGuardGrain GetClientGuardGrain(this IGrainFactory factory, string clientKey) =>
        factory.GetGrain<IClientGuardGrain>(clientKey);

    /// <summary>The cluster's one list of active client blocks.</summary>
    public static IBlockListGrain GetBlockListGrain(this IGrainFactory factory) =>
        factory.GetGrain<IBlockListGrain>(0);
}
