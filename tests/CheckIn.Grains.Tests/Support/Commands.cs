using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Seats;

namespace CheckIn.Grains.Tests.Support;

internal static class Commands
{
    public static CommandContext By(string passengerId) =>
        new($"passenger:{passengerId}", "test", Guid.NewGuid().ToString("N"));

    /// <summary>Creates a fresh A320 flight (departing in 2031 unless told otherwise) and returns its id.</summary>
    public static async Task<string> CreateFlightAsync(this IGrainFactory grains, DateTimeOffset? departure = null)
    {
        var flightId = SampleLayouts.NewFlightId();
        var created = await grains.GetFlightGrain(flightId).CreateAsync(SampleLayouts.A320Flight(flightId) with { Departure = departure ?? SampleLayouts.Departure });
        Assert.True(created.IsSuccess, created.Error?.Detail);
        return flightId;
    }

    public static Task<Result<SeatSnapshot>> HoldAsync(this IGrainFactory grains, string flightId, string passengerId, string seatNumber) =>
        grains.GetPassengerSeatGrain(flightId, passengerId).HoldAsync(seatNumber, By(passengerId));

    public static Task<Result<SeatSnapshot>> ConfirmAsync(this IGrainFactory grains, string flightId, string passengerId, string seatNumber) =>
        grains.GetPassengerSeatGrain(flightId, passengerId).ConfirmAsync(seatNumber, By(passengerId));

    public static Task<Result<SeatSnapshot>> ReleaseAsync(this IGrainFactory grains, string flightId, string passengerId, string seatNumber) =>
        grains.GetPassengerSeatGrain(flightId, passengerId).ReleaseAsync(seatNumber, By(passengerId));

    /// <summary>The seat as its own grain reports it (the source of truth).</summary>
    public static async Task<SeatSnapshot> SeatAsync(this IGrainFactory grains, string flightId, string seatNumber)
    {
        var seat = await grains.GetSeatGrain(flightId, seatNumber).GetAsync();
        Assert.True(seat.IsSuccess, seat.Error?.Detail);
        return seat.Value;
    }

    /// <summary>The seat's entry in the flight's seat map, or null when the map does not exist.</summary>
    public static async Task<SeatMapEntry?> MapEntryAsync(this IGrainFactory grains, string flightId, string seatNumber)
    {
        var map = await grains.GetSeatMapGrain(flightId).GetAsync();
        return map?.Seats.Single(s => s.SeatNumber == seatNumber);
    }

    public static T Ok<T>(this Result<T> result)
        where T : class
    {
        Assert.True(result.IsSuccess, $"expected success, got {result.Error?.Code}: {result.Error?.Detail}");
        return result.Value;
    }

    public static void Refused<T>(this Result<T> result, FailureCode code)
        where T : class
    {
        Assert.False(result.IsSuccess, $"expected {code}, got success: {result.Value}");
        Assert.Equal(code, result.Error.Code);
    }
}
