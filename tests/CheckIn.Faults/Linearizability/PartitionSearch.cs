using System.Diagnostics;

namespace CheckIn.Faults.Linearizability;

/// <summary>
/// Wing &amp; Gong's search for a linearization of one partition, in the form Lowe (2017) calls just-in-time
/// linearization: walk the history's call and return events in time order; at a call, try to linearize that operation
/// now (the model must accept it in the current state); at a return, the operation must already be linearized, else
/// undo the last choice and try the next one. Every (linearized set, state) pair reached is cached, so a
/// configuration reached again by another order is never explored twice: this is what keeps long histories with
/// modest concurrency cheap. A model step may offer several next states (nondeterminism); each is a separate choice.
/// An operation with an unknown outcome is never forced: it is linearized only where its effect explains what
/// others saw, and left out otherwise (a model should then offer only the steps that change its state: linearizing a
/// lost command as "no effect" at every point would multiply the configurations by two per pending lost command).
/// Lost commands that are alike (equal inputs) are interchangeable: only the earliest invoked of those not yet
/// linearized is offered, so n of them are n + 1 configurations, not 2^n subsets. This loses no linearization: the
/// earlier one could take effect wherever the later one did, and a model must not allow less from an earlier
/// invocation (the seat model's earliest instant only moves back, which forbids nothing more).
/// The cache therefore keys a configuration by the known operations linearized and the state, and keeps for each
/// such pair the counts of lost commands used per kind (alike inputs) on the paths that reached it. A configuration
/// that used at least as many of every kind as one already reached is dominated (it has fewer lost commands left to
/// explain what follows, and nothing else differs) and is not explored: without this, a seat that a few passengers
/// take again and again, each with lost releases pending, is a new configuration for every count of them used.
/// A lost command the model asks to try last (<see cref="ISequentialModel{TState,TInput,TOutput}.TryLostLast"/>) is
/// not linearized where the walk meets it: the walk first goes on without it, and it is taken there only when the
/// search backtracks to that point (a deferred choice). Both orders explore the same choices, so the verdict is the
/// same; what changes is which configuration of a pair is reached first, and the dominance above only prunes the one
/// reached second. Taking a lost command as soon as it applies first reaches the configurations that used it where a
/// known answer alone would have done (a lost release of the passenger, then their own release answered AVAILABLE
/// again): those use one more lost command, so the configuration without it, reached later, is not dominated and is
/// explored again, for every passenger's every such choice (2^passengers configurations of one (known, state) pair).
/// Tried last, the configuration that used fewer is reached first and the other is pruned at once.
/// </summary>
internal sealed class PartitionSearch<TState, TInput, TOutput>(
    ISequentialModel<TState, TInput, TOutput> model,
    string partition,
    IReadOnlyList<Operation<TInput, TOutput>> operations,
    CheckBound bound,
    Stopwatch clock)
    where TState : IEquatable<TState>
    where TInput : notnull
{
    private sealed class Event(int operation, bool isCall)
    {
        public int Operation { get; } = operation;
        public bool IsCall { get; } = isCall;
        public Event? Return { get; set; }
        public Event? Previous { get; set; }
        public Event? Next { get; set; }
    }

    // The choices made so far, a stack linked through Below (so the deepest path is kept by one reference). A deferred
    // choice: the walk went past a lost command it could have linearized at Call; backtracking to it takes it there.
    private sealed record Choice(Event Call, TState Before, TState[] Successors, int NextSuccessor, Choice? Below, bool Deferred = false);

    private readonly Event _head = new(-1, false);
    private readonly Dictionary<(LinearizedSnapshot, TState), List<int[]>> _seen = [];
    private readonly LinearizedSet _linearized = new(operations.Count);

    // Known operations are keyed by their own bitset; lost ones by a count per kind (their index among known ones, or
    // their kind: _slot). _used counts the lost commands linearized, per kind.
    private LinearizedSet _knownLinearized = new(0);
    private int[] _slot = [];
    private int[] _used = [];
    private Choice? _choices;

    // Operations linearized on the current path (the choices that are not deferred), and the top of the deepest path
    // so far: the longest linearizable prefix, read only for a verdict other than linearizable (copying it out at
    // every new depth was quadratic, most of a long history's check time).
    private int _depth;
    private int _deepest;
    private Choice? _deepestPath;
    private TState _state = model.Initial;

    // For a lost command, the lost command alike it that was invoked just before it (-1: none).
    private int[] _earlierTwin = [];

    public PartitionResult<TInput, TOutput> Run()
    {
        BuildEvents();
        long steps = 0;
        var at = _head.Next;
        long skipped = 0;
        while (_head.Next is not null)
        {
            if (at!.IsCall && _earlierTwin[at.Operation] is var twin and >= 0 && !_linearized.Contains(twin))
            {
                // A lost command whose earlier twin is still unused: passed over, not a choice (not counted as a
                // step; the wall-clock bound still covers the time it takes).
                if ((++skipped & 65535) == 0 && bound.MaxTime is { } skipLimit && clock.Elapsed > skipLimit)
                {
                    return Result(Verdict.Unknown, steps);
                }
                at = at.Next;
                continue;
            }
            steps++;
            if (steps > bound.MaxStepsPerPartition || (bound.MaxTime is { } limit && (steps & 4095) == 0 && clock.Elapsed > limit))
            {
                return Result(Verdict.Unknown, steps);
            }
            if (at.IsCall)
            {
                var successors = model.Step(_state, operations[at.Operation]).Distinct().ToArray();
                if (successors.Length > 0 && IsLost(at.Operation) && model.TryLostLast(operations[at.Operation].Input))
                {
                    _choices = new Choice(at, _state, successors, 0, _choices, Deferred: true);
                    at = at.Next;
                    continue;
                }
                if (TryLinearize(at, successors, 0))
                {
                    at = _head.Next;
                    continue;
                }
                at = at.Next;
                continue;
            }
            // The return of an operation whose outcome is unknown comes after every known one (at +infinity): all
            // answers are explained, and what is still pending never took effect (or took it last, the same thing).
            if (!operations[at.Operation].Outcome.IsKnown)
            {
                return Result(Verdict.Linearizable, steps);
            }
            // A return whose operation is not linearized yet: some earlier choice was wrong.
            if (_choices is null)
            {
                return Result(Verdict.NotLinearizable, steps);
            }
            var last = _choices;
            _choices = last.Below;
            if (last.Deferred)
            {
                // Everything after it is undone: the walk stands where it went past the lost command; take it now.
                _state = last.Before;
                if (TryLinearize(last.Call, last.Successors, 0))
                {
                    at = _head.Next;
                    continue;
                }
                at = last.Call.Next;
                continue;
            }
            _state = last.Before;
            Unmark(last.Call.Operation);
            Unlift(last.Call);
            _depth--;
            if (TryLinearize(last.Call, last.Successors, last.NextSuccessor))
            {
                at = _head.Next;
                continue;
            }
            at = last.Call.Next;
        }
        return Result(Verdict.Linearizable, steps);
    }

    private bool TryLinearize(Event call, TState[] successors, int from)
    {
        Mark(call.Operation);
        var set = default(LinearizedSnapshot);
        var taken = false;
        for (var i = from; i < successors.Length; i++)
        {
            if (!taken)
            {
                set = _knownLinearized.Snapshot();
                taken = true;
            }
            if (Reach(set, successors[i]))
            {
                _choices = new Choice(call, _state, successors, i + 1, _choices);
                _state = successors[i];
                Lift(call);
                if (++_depth > _deepest)
                {
                    _deepest = _depth;
                    _deepestPath = _choices;
                }
                return true;
            }
        }
        Unmark(call.Operation);
        return false;
    }

    private bool IsLost(int operation) => !operations[operation].Outcome.IsKnown;

    private void Mark(int operation)
    {
        _linearized.Add(operation);
        if (IsLost(operation))
        {
            _used[_slot[operation]]++;
        }
        else
        {
            _knownLinearized.Add(_slot[operation]);
        }
    }

    private void Unmark(int operation)
    {
        _linearized.Remove(operation);
        if (IsLost(operation))
        {
            _used[_slot[operation]]--;
        }
        else
        {
            _knownLinearized.Remove(_slot[operation]);
        }
    }

    /// <summary>
    /// Records the configuration (the known operations linearized, the state, the lost commands used per kind); false
    /// when one reached before had the same known operations and state and used no more lost commands of any kind.
    /// </summary>
    private bool Reach(LinearizedSnapshot known, TState state)
    {
        if (!_seen.TryGetValue((known, state), out var reached))
        {
            _seen[(known, state)] = [(int[])_used.Clone()];
            return true;
        }
        foreach (var used in reached)
        {
            if (AtMost(used, _used))
            {
                return false;
            }
        }
        reached.Add((int[])_used.Clone());
        return true;
    }

    private static bool AtMost(int[] a, int[] b)
    {
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] > b[i])
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Events in time order. At equal times calls come before returns: an operation completing at the instant another
    /// is invoked counts as concurrent with it (the recorder's clock cannot tell their order).
    /// </summary>
    private void BuildEvents()
    {
        _earlierTwin = new int[operations.Count];
        _slot = new int[operations.Count];
        var kinds = new Dictionary<TInput, int>();
        var known = 0;
        for (var i = 0; i < operations.Count; i++)
        {
            if (operations[i].Outcome.IsKnown)
            {
                _slot[i] = known++;
            }
            else
            {
                if (!kinds.TryGetValue(operations[i].Input, out var kind))
                {
                    kinds[operations[i].Input] = kind = kinds.Count;
                }
                _slot[i] = kind;
            }
        }
        _knownLinearized = new LinearizedSet(known);
        _used = new int[kinds.Count];
        var lastLost = new Dictionary<TInput, int>();
        foreach (var i in Enumerable.Range(0, operations.Count).OrderBy(i => operations[i].Invoked).ThenBy(i => i))
        {
            _earlierTwin[i] = -1;
            if (!operations[i].Outcome.IsKnown)
            {
                if (lastLost.TryGetValue(operations[i].Input, out var twin))
                {
                    _earlierTwin[i] = twin;
                }
                lastLost[operations[i].Input] = i;
            }
        }
        var events = new List<(DateTimeOffset At, int Kind, int Operation, Event Event)>(operations.Count * 2);
        for (var i = 0; i < operations.Count; i++)
        {
            var call = new Event(i, true);
            var ret = new Event(i, false);
            call.Return = ret;
            events.Add((operations[i].Invoked, 0, i, call));
            events.Add((operations[i].Completed, 1, i, ret));
        }
        events.Sort((a, b) => (a.At, a.Kind, a.Operation).CompareTo((b.At, b.Kind, b.Operation)));
        var previous = _head;
        foreach (var (_, _, _, e) in events)
        {
            previous.Next = e;
            e.Previous = previous;
            previous = e;
        }
    }

    private static void Lift(Event call)
    {
        Remove(call);
        Remove(call.Return!);
    }

    private static void Unlift(Event call)
    {
        // Dancing links: the removed events still point at their old neighbours; restore in reverse order.
        Restore(call.Return!);
        Restore(call);
    }

    private static void Remove(Event e)
    {
        e.Previous!.Next = e.Next;
        if (e.Next is not null)
        {
            e.Next.Previous = e.Previous;
        }
    }

    private static void Restore(Event e)
    {
        e.Previous!.Next = e;
        if (e.Next is not null)
        {
            e.Next.Previous = e;
        }
    }

    private PartitionResult<TInput, TOutput> Result(Verdict verdict, long steps)
    {
        if (verdict == Verdict.Linearizable)
        {
            return new(partition, verdict, operations.Count, steps, [], []);
        }
        var longestPrefix = new List<int>(_deepest);
        for (var c = _deepestPath; c is not null; c = c.Below)
        {
            if (!c.Deferred)
            {
                longestPrefix.Add(c.Call.Operation);
            }
        }
        longestPrefix.Reverse();
        var prefix = longestPrefix.Select(i => operations[i]).ToList();
        var inPrefix = longestPrefix.ToHashSet();
        var rest = Enumerable.Range(0, operations.Count).Where(i => !inPrefix.Contains(i)).Select(i => operations[i]).ToList();
        var firstCompletion = rest.Count == 0 ? DateTimeOffset.MaxValue : rest.Min(o => o.Completed);
        var frontier = rest.Where(o => o.Invoked <= firstCompletion).OrderBy(o => o.Invoked).ToList();
        return new(partition, verdict, operations.Count, steps, prefix, frontier);
    }
}
