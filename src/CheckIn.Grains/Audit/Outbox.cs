namespace CheckIn.Grains.Audit;

/// <summary>
/// The audit outbox of a grain: transitions are written in the grain's state with their events, then appended to the
/// audit log. Once appended they are cleared in memory only: the grain's next write persists the empty outbox, and a
/// crash before it appends them again (the logs ignore event ids they already have).
/// </summary>
internal static class Outbox
{
    /// <summary>Appends and clears <paramref name="unpublished"/>; returns the failure (the events stay) or null.</summary>
    public static async Task<Exception?> PublishAsync<TEvent>(List<TEvent> unpublished, Func<IReadOnlyList<TEvent>, Task> append)
    {
        try
        {
            await append([.. unpublished]);
            unpublished.Clear();
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }
}
