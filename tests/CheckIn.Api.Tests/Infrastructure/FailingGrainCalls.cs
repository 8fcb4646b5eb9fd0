using System.Collections.Concurrent;
using CheckIn.Contracts;
using Orleans.Runtime;

namespace CheckIn.Api.Tests.Infrastructure;

/// <summary>
/// Makes calls to one grain method of one flight fail with <see cref="SiloUnavailableException"/>, as a call to a silo
/// that just died does, and counts every call the method received. An outgoing filter of the co-hosted silo, so it
/// sees the API's own calls.
/// </summary>
public sealed class FailingGrainCalls : IOutgoingGrainCallFilter
{
    private readonly ConcurrentDictionary<(Type Grain, string Method, string FlightId), Fault> _faults = new();

    /// <summary>
    /// The next <paramref name="times"/> calls of <typeparamref name="TGrain"/>.<paramref name="method"/> on the
    /// flight fail; with <paramref name="afterTheGrainRan"/> the grain runs the call first and only its answer is lost.
    /// With <paramref name="slowBy"/>, each failure first moves <paramref name="clock"/> that far, as a call that
    /// timed out would.
    /// </summary>
    public Fault Fail<TGrain>(string method, string flightId, int times, bool afterTheGrainRan = false, Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock = null, TimeSpan slowBy = default)
    {
        var fault = new Fault(times, afterTheGrainRan, clock, slowBy);
        _faults[(typeof(TGrain), method, flightId)] = fault;
        return fault;
    }

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod is not { DeclaringType: { } grain } method
            || context.TargetId.Key.ToString() is not { } key
            || !key.Contains('/', StringComparison.Ordinal)
            || !_faults.TryGetValue((grain, method.Name, GrainKeys.Split(key).FlightId), out var fault))
        {
            await context.Invoke();
            return;
        }
        var fails = fault.Arrive();
        if (!fails || fault.AfterTheGrainRan)
        {
            await context.Invoke();
        }
        if (fails)
        {
            fault.Clock?.Advance(fault.SlowBy);
            fault.Failed();
            throw new SiloUnavailableException("injected by the test: the silo of this grain is unavailable");
        }
    }

    public sealed class Fault(int times, bool afterTheGrainRan, Microsoft.Extensions.Time.Testing.FakeTimeProvider? clock, TimeSpan slowBy)
    {
        private int _calls;
        private int _failures;

        public bool AfterTheGrainRan { get; } = afterTheGrainRan;

        public Microsoft.Extensions.Time.Testing.FakeTimeProvider? Clock { get; } = clock;

        public TimeSpan SlowBy { get; } = slowBy;

        /// <summary>Calls the method received (failed or not).</summary>
        public int Calls => Volatile.Read(ref _calls);

        /// <summary>Calls that failed so far.</summary>
        public int Failures => Volatile.Read(ref _failures);

        internal bool Arrive() => Interlocked.Increment(ref _calls) <= times;

        internal void Failed() => Interlocked.Increment(ref _failures);
    }
}
