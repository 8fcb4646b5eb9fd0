using CheckIn.Contracts.Abuse;
using CheckIn.Host.Abuse;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using CheckIn.Contracts;
using CheckIn.Contracts.Common;
using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Seats;
using CheckIn.Grains.Telemetry;
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
            .RateLimited(LimitedAction.SeatMapRead)
            .WithSummary("The flight's seat map; with a session token it also lists the caller's own seats.")
            .Produces<SeatMapResponse>(200, "application/json")
            .Produces(304)
            .ProducesProblems(400, 404, 503);
        return group;
    }

    public static async Task<IResult> GetSeatMap(
        string flightId, HttpContext http, ClaimsPrincipal user, FlightCatalog flights, SeatMapCache cache, IGrainFactory grains, CheckInMetrics metrics)
    {
        if (await flights.FindAsync(flightId) is not { } flight || await cache.ReadAsync(flight) is not ({ } map, var fresh))
        {
            // Not counted: a flight id that does not exist is caller input, and would make the flight tag unbounded.
            return Problems.From(new Error(FailureCode.FlightNotFound, $"Flight {flightId} does not exist.", "flightId"));
        }

        var mine = user.Identity?.IsAuthenticated == true && user.MayUseFlight(flightId) ? user.PassengerIds() : [];
        // The caller's own seats come from the grains that own them, never from a copy of the map: a command of the
        // caller that has answered is in yourSeats at once, through any host (one call per passenger, in parallel).
        var own = mine.Count == 0 ? null : await OwnSeatsAsync(grains, flightId, mine);
        var etag = own is null ? map.ETag : $"\"{map.View.Version}-{OwnTag(mine, own)}\"";
        var headers = http.Response.Headers;
        headers.ETag = etag;
        headers.CacheControl = "no-cache";
        headers.Vary = "Authorization";
        if (MatchesAny(http.Request.Headers.IfNoneMatch, etag))
        {
            metrics.SeatMapRequest(flight.FlightId, StatusCodes.Status304NotModified, fresh);
            return TypedResults.StatusCode(304);
        }
        metrics.SeatMapRequest(flight.FlightId, StatusCodes.Status200OK, fresh);
        var bytes = own is null ? map.Bytes : cache.Serialize(ToResponse(flight, map.View, own));
        return TypedResults.Bytes(bytes, "application/json");
    }

    private static async Task<IReadOnlyList<SeatSnapshot>> OwnSeatsAsync(IGrainFactory grains, string flightId, IReadOnlyList<string> passengers)
    {
        var seats = await Task.WhenAll(passengers.Select(p => grains.GetPassengerSeatGrain(flightId, p).GetSeatAsync()));
        return [.. seats.OfType<SeatSnapshot>()];
    }

    /// <summary>Who asks and what their seats are (each seat's version grows with every change): part of the ETag.</summary>
    private static string OwnTag(IReadOnlyList<string> mine, IReadOnlyList<SeatSnapshot> own)
    {
        var text = string.Join(',', mine) + "|" + string.Join(',', own.Select(s => $"{s.PassengerId}:{s.SeatNumber}:{s.Version}"));
        return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];
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

    /// <summary>
    /// The map as the response shows it. <paramref name="own"/> (the caller's seats as their grains report them) is
    /// <c>yourSeats</c> and overrides the map's entries of those seats, which may lag behind.
    /// </summary>
    public static SeatMapResponse ToResponse(FlightInfo flight, SeatMapView view, IReadOnlyList<SeatSnapshot>? own)
    {
        var definition = flight.Definition;
        var seats = new SeatMapSeat[flight.Seats.Count];
        var mine = new Dictionary<string, SeatSnapshot>(StringComparer.Ordinal);
        foreach (var snapshot in own ?? [])
        {
            mine[snapshot.SeatNumber] = snapshot;
        }
        for (var i = 0; i < seats.Length; i++)
        {
            var seat = flight.Seats[i];
            var entry = view.Seats[i];
            var (status, expires) = mine.TryGetValue(seat.SeatNumber, out var yours)
                ? (yours.Status, yours.HoldExpiresAt)
                : (entry.Status, entry.HoldExpiresAt);
            seats[i] = new SeatMapSeat(seat.SeatNumber, seat.Row, seat.Column, seat.Cabin, seat.Characteristics, status, expires);
        }
        return new SeatMapResponse(
            definition.FlightId, definition.Origin, definition.Destination, definition.Departure, view.Version, view.LastUpdated,
            [.. definition.Layout.Cabins.Select(c => new CabinResponse(c.Cabin, c.FirstRow, c.LastRow, c.Columns))],
            definition.Layout.ExitRows, seats,
            own is null ? null : [.. own.Select(s => new YourSeat(s.PassengerId!, s.SeatNumber, s.Status, s.HoldExpiresAt))]);
    }
}

/// <summary>
/// This process's copy of each flight's seat map: the view, its anonymous JSON bytes and ETag, serialized once per
/// version. A copy younger than <see cref="Freshness"/> is served without asking the seat map grain, so a hot map
/// costs no grain call per request; seat commands through this process drop their flight's copy, so a passenger
/// reads their own change at once. Other processes see it within <see cref="Freshness"/>. A copy nobody read for
/// <see cref="IdleAfter"/> is dropped (<see cref="HostCacheSweeper"/>): a host that served thousands of flights keeps
/// only the ones still read.
/// </summary>
internal sealed class SeatMapCache(IGrainFactory grains, TimeProvider time, IOptions<HttpJsonOptions> json)
{
    public static readonly TimeSpan Freshness = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a copy nobody reads is kept.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public async ValueTask<CachedSeatMap?> GetAsync(FlightInfo flight) => (await ReadAsync(flight)).Map;

    /// <summary>The flight's map, and whether it was this process's fresh copy (no grain call); null when the grain has no map.</summary>
    public async ValueTask<(CachedSeatMap? Map, bool Fresh)> ReadAsync(FlightInfo flight)
    {
        var now = time.GetTimestamp();
        if (_entries.TryGetValue(flight.FlightId, out var entry) && time.GetElapsedTime(entry.FetchedAt, now) < Freshness)
        {
            return (entry.Map, true);
        }
        var view = await grains.GetSeatMapGrain(flight.FlightId).GetAsync();
        if (view is null)
        {
            return (null, false);
        }
        var map = entry?.Map is { } previous && previous.View.Version == view.Version
            ? previous with { View = view }
            : new CachedSeatMap(view, $"\"{view.Version}\"", Serialize(SeatMapApi.ToResponse(flight, view, null)));
        _entries[flight.FlightId] = new Entry(map, now);
        return (map, false);
    }

    /// <summary>The flights whose copy this process keeps.</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// Drops the copies fetched <see cref="IdleAfter"/> ago or earlier: a read refreshes a copy older than
    /// <see cref="Freshness"/>, so such a copy has not been read since. A copy replaced meanwhile stays.
    /// </summary>
    public void EvictIdle()
    {
        var now = time.GetTimestamp();
        foreach (var entry in _entries)
        {
            if (time.GetElapsedTime(entry.Value.FetchedAt, now) >= IdleAfter)
            {
                _entries.TryRemove(entry);
            }
        }
    }

    /// <summary>Forgets a flight's copy after this process changed one of its seats.</summary>
    public void Invalidate(string flightId) => _entries.TryRemove(flightId, out _);

    public byte[] Serialize<T>(T response) => JsonSerializer.SerializeToUtf8Bytes(response, json.Value.SerializerOptions);

    private sealed record Entry(CachedSeatMap Map, long FetchedAt);
}

/// <summary>A seat map view with its anonymous ETag and response bytes.</summary>
internal sealed record CachedSeatMap(SeatMapView View, string ETag, byte[] Bytes);
