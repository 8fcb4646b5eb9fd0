namespace CheckIn.Faults.Linearizability.Models;

/// <summary>A read or a write of an integer register; registers are independent objects named by key.</summary>
public sealed record RegisterOp(string Key, bool IsWrite, int Value)
{
    public static RegisterOp Write(string key, int value) => new(key, true, value);

    public static RegisterOp Read(string key) => new(key, false, 0);

    public override string ToString() => IsWrite ? $"write {Key}={Value}" : $"read {Key}";
}

public sealed record RegisterState(int Value);

/// <summary>
/// The textbook register, to test the checker itself. A write answers its own value; a read answers the register.
/// An unknown write takes effect when linearized (never taking effect is the same as being linearized last).
/// </summary>
public sealed class RegisterModel(int initial = 0) : ISequentialModel<RegisterState, RegisterOp, int>
{
    public RegisterState Initial { get; } = new(initial);

    public string PartitionOf(RegisterOp input) => input.Key;

    public IEnumerable<RegisterState> Step(RegisterState state, Operation<RegisterOp, int> operation)
    {
        var (input, outcome) = (operation.Input, operation.Outcome);
        if (input.IsWrite)
        {
            return !outcome.IsKnown || outcome.Output == input.Value ? [new RegisterState(input.Value)] : [];
        }
        return !outcome.IsKnown || outcome.Output == state.Value ? [state] : [];
    }
}
