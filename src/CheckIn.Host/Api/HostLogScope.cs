using CheckIn.Grains.Telemetry;

namespace CheckIn.Host.Api;

/// <summary>
/// The scope of a log line of the HTTP front end (the webhook, abuse refusals): <c>FlightId</c> where known, the
/// pseudonymised <c>Passenger</c>, <c>Actor</c> and <c>Reason</c>, as the grains' change scopes name them
/// (<see cref="LogScope"/>). Never pass a passenger id, PNR or client secret here: pseudonymise first
/// (<see cref="Pseudonyms"/>).
/// </summary>
internal static class HostLogScope
{
    /// <summary>Opens the scope on <paramref name="logger"/>; dispose it when the work it describes is done.</summary>
    public static IDisposable? Begin(ILogger logger, string? flightId, string? passenger, string actor, string reason) =>
        logger.BeginScope(new LogScope().With("FlightId", flightId).With("Passenger", passenger).With("Actor", actor).With("Reason", reason));
}
