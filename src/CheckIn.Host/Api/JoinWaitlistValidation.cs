using CheckIn.Contracts.Flights;
using CheckIn.Contracts.Waitlist;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Host.Api;

/// <summary>A passenger of a join request and the request field that named them.</summary>
internal sealed record NamedPassenger(string Id, string Field);

/// <summary>A join request that passed validation: passengers (the passenger first), the cabin asked for, the position.</summary>
internal sealed record ValidJoin(IReadOnlyList<NamedPassenger> Passengers, Cabin? Cabin, SeatPreference Position);

/// <summary>
/// The shape of a join request (required and well-formed fields, distinct passengers), checked before the waitlist is
/// asked. Who may join — booking, cabin, row width, preference already met, already waiting — is the waitlist grain's
/// to decide (CheckIn.Grains/Waitlist/WaitlistEligibility).
/// </summary>
internal static class JoinWaitlistValidation
{
    public static (ValidJoin? Join, ProblemHttpResult? Problem) Validate(JoinWaitlistRequest? request)
    {
        if (string.IsNullOrWhiteSpace(request?.PassengerId))
        {
            return (null, Problems.Validation("passengerId", "passengerId is required."));
        }
        if (IdFormats.CheckPassengerId(request.PassengerId, "passengerId") is { } malformed)
        {
            return (null, malformed);
        }
        Cabin? cabin = null;
        if (request.Cabin is not null)
        {
            if (!TryParse<Cabin>(request.Cabin, out var parsed))
            {
                return (null, Problems.Validation("cabin", $"cabin must be one of {Names<Cabin>()}."));
            }
            cabin = parsed;
        }
        var position = SeatPreference.Any;
        if (request.Position is not null && !TryParse(request.Position, out position))
        {
            return (null, Problems.Validation("position", $"position must be one of {Names<SeatPreference>()}."));
        }
        var passengers = new List<NamedPassenger> { new(request.PassengerId, "passengerId") };
        var others = request.TogetherWith ?? [];
        for (var i = 0; i < others.Count; i++)
        {
            var field = $"togetherWith[{i}]";
            var id = others[i];
            if (string.IsNullOrWhiteSpace(id))
            {
                return (null, Problems.Validation(field, "A passenger id must not be blank."));
            }
            if (IdFormats.CheckPassengerId(id, field) is { } malformedOther)
            {
                return (null, malformedOther);
            }
            if (id == request.PassengerId)
            {
                return (null, Problems.Validation(field, $"togetherWith lists the other passengers; {id} is the passenger joining."));
            }
            if (passengers.Any(p => p.Id == id))
            {
                return (null, Problems.Validation(field, $"Passenger {id} is named twice."));
            }
            passengers.Add(new NamedPassenger(id, field));
        }
        return (new ValidJoin(passengers, cabin, position), null);
    }

    private static bool TryParse<TEnum>(string text, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            if (string.Equals(Problems.CodeOf(candidate), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }
        value = default;
        return false;
    }

    private static string Names<TEnum>() where TEnum : struct, Enum => string.Join(", ", Enum.GetValues<TEnum>().Select(v => Problems.CodeOf(v)));
}
