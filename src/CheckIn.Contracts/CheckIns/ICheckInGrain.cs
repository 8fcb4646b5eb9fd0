using CheckIn.Contracts.Common;

namespace CheckIn.Contracts.CheckIns;

/// <summary>
/// One passenger's check-in on one flight (key <c>{flightId}/{passengerId}</c>). Owns the journey's state machine;
/// seats are still owned by the seat grains and reached through the passenger's seat grain. Every command is
/// idempotent: repeating it in the state it produced answers that state again without a second transition.
/// </summary>
public interface ICheckInGrain : IGrainWithStringKey
{
    Task<Result<CheckInView>> GetAsync();

    /// <summary>NOT_STARTED or CANCELLED → IN_PROGRESS, inside the check-in window.</summary>
    Task<Result<CheckInView>> StartAsync(CommandContext context);

    /// <summary>
    /// IN_PROGRESS → COMPLETED: confirms the passenger's held seat, or assigns a free one in their cabin (window and
    /// aisle before middle), and issues the boarding pass.
    /// </summary>
    Task<Result<CheckInView>> CompleteAsync(CommandContext context);

    /// <summary>Any started state → CANCELLED before departure; releases the seat and records why.</summary>
    Task<Result<CheckInView>> CancelAsync(string reason, CommandContext context);
}

/// <summary>Hands out a flight's check-in sequence numbers (key: flight id), 1, 2, 3, ... never twice.</summary>
public interface ICheckInSequenceGrain : IGrainWithStringKey
{
    Task<int> NextAsync();
}
