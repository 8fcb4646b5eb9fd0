using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace CheckIn.Host.Api;

public sealed record CabinResponse(Cabin Cabin, int FirstRow, int LastRow, string Columns);

public sealed record SeatMapSeat(
    string SeatNumber, int Row, string Column, Cabin Cabin, IReadOnlyList<SeatCharacteristic> Characteristics, SeatStatus Status, DateTimeOffset? HoldExpiresAt);

public sealed record YourSeat(string PassengerId, string SeatNumber, SeatStatus Status, DateTimeOffset? HoldExpiresAt);

public sealed record SeatMapResponse(
    string FlightId,
    string Origin,
    string Destination,
    DateTimeOffset Departure,
    long Version,
    DateTimeOffset LastUpdated,
    IReadOnlyList<CabinResponse> Cabins,
    IReadOnlyList<int> ExitRows,
    IReadOnlyList<SeatMapSeat> Seats,
    IReadOnlyList<YourSeat>? YourSeats);

/// <summary>
/// The live seat map. Served from the flight's seat map grain (never every seat grain), as bytes serialized once
/// per version for anonymous callers, with an ETag so unchanged maps cost a 304.
/// </summary>
internal static class SeatMapApi
{
    public static RouteGroupBuilder MapSeatMapApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/flights/{flightId}").WithTags("Seat map");
        group.MapGet("/seatmap", GetSeatMap)
            .WithName("GetSeatMap")
            .WithSummary("The flight's seat map; with a session token it also lists the caller's own seats.")
            .Produces<SeatMapResponse>(200, "application/json")
            .Produces(304)
            .ProducesProblem(404)
            .ProducesProblem(503);
        return group;
    }

    public static async Task<IResult> GetSeatMap(
        string flightId, HttpContext http, ClaimsPrincipal user, FlightCatalog flights, SeatMapBytes cache, IGrainFactory grains)
    {
        if (await flights.FindAsync(flightId) is not { } flight
            || await grains.GetSeatMapGrain(flightId).GetAsync() is not { } view)
        {
            return Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId"));
        }

        var mine = user.Identity?.IsAuthenticated == true && user.MayUseFlight(flightId) ? user.PassengerIds() : [];
        var etag = mine.Count == 0 ? $"\"{view.Version}\"" : $"\"{view.Version}-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join(',', mine))))[..12]}\"";
        http.Response.Headers.ETag = etag;
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.Vary = "Authorization";
        if (MatchesAny(http.Request.Headers.IfNoneMatch, etag))
        {
            return TypedResults.StatusCode(304);
        }
        var bytes = mine.Count == 0 ? cache.Get(flight, view) : cache.Serialize(ToResponse(flight, view, mine));
        return TypedResults.Bytes(bytes, "application/json");
    }

    /// <summary>RFC 9110 If-None-Match: a list of tags, compared weakly, or <c>*</c>.</summary>
    private static bool MatchesAny(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        if (ifNoneMatch.Count == 0 || !EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags))
        {
            return false;
        }
        var current = new EntityTagHeaderValue(etag);
        return tags.Any(t => t == EntityTagHeaderValue.Any || t.Compare(current, useStrongComparison: false));
    }

    public static SeatMapResponse ToResponse(FlightInfo flight, SeatMapView view, IReadOnlyList<string> mine)
    {
        var definition = flight.Definition;
        var seats = new SeatMapSeat[flight.Seats.Count];
        var yours = mine.Count == 0 ? null : new List<YourSeat>();
        for (var i = 0; i < seats.Length; i++)
        {
            var seat = flight.Seats[i];
            var entry = view.Seats[i];
            seats[i] = new SeatMapSeat(seat.SeatNumber, seat.Row, seat.Column, seat.Cabin, seat.Characteristics, entry.Status, entry.HoldExpiresAt);
            if (yours is not null && entry.PassengerId is { } owner && mine.Contains(owner))
            {
                yours.Add(new YourSeat(owner, entry.SeatNumber, entry.Status, entry.HoldExpiresAt));
            }
        }
        return new SeatMapResponse(
            definition.FlightId, definition.Origin, definition.Destination, definition.Departure, view.Version, view.LastUpdated,
            [.. definition.Layout.Cabins.Select(c => new CabinResponse(c.Cabin, c.FirstRow, c.LastRow, c.Columns))],
            definition.Layout.ExitRows, seats, yours);
    }
}

/// <summary>Per-process cache of each flight's anonymous seat map bytes, keyed by map version.</summary>
internal sealed class SeatMapBytes(IOptions<HttpJsonOptions> json)
{
    private readonly ConcurrentDictionary<string, (long Version, byte[] Bytes)> _latest = new(StringComparer.Ordinal);

    public byte[] Get(FlightInfo flight, SeatMapView view)
    {
        if (_latest.TryGetValue(flight.FlightId, out var hit) && hit.Version == view.Version)
        {
            return hit.Bytes;
        }
        var bytes = Serialize(SeatMapApi.ToResponse(flight, view, []));
        _latest[flight.FlightId] = (view.Version, bytes);
        return bytes;
    }

    public byte[] Serialize(SeatMapResponse response) => JsonSerializer.SerializeToUtf8Bytes(response, json.Value.SerializerOptions);
}
