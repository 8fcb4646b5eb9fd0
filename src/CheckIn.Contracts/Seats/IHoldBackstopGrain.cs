namespace CheckIn.Contracts.Seats;

/// <summary>
/// The durable backstop of every hold and waitlist offer on one flight (key: the flight id): one Orleans reminder per
/// flight, alive while the flight has a held or offered seat, instead of one reminder row per seat written with every
/// hold. A seat's own grain timer expires its hold on time while the seat is active; the reminder covers what a dead
/// process took with it.
/// </summary>
public interface IHoldBackstopGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes sure the flight's reminder is registered. A seat calls it before it writes a hold or an offer, so that
    /// nothing it writes is ever without a durable backstop. Costs a storage write only when the reminder is not
    /// already registered by this activation.
    /// </summary>
    Task ArmAsync();
}
