namespace CheckIn.Durable.Tests.TestGrains;

public interface IWakeUpGrain : IGrainWithStringKey
{
    Task Schedule(string reminderName, TimeSpan dueTime, TimeSpan period);

    Task<bool> HasReminder(string reminderName);
}

internal sealed class WakeUpGrain : Grain, IWakeUpGrain, IRemindable
{
    public Task Schedule(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        this.RegisterOrUpdateReminder(reminderName, dueTime, period);

    public async Task<bool> HasReminder(string reminderName) =>
        await this.GetReminder(reminderName) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
