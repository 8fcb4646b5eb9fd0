using System.Diagnostics;
using OpenTelemetry.Trace;

namespace CheckIn.Host.Hosting;

/// <summary>
/// Which traces are recorded: a trace starts only at an HTTP request this host serves, sampled at
/// <c>CheckIn:Telemetry:SamplingRatio</c>; everything under it follows that decision (parent-based). A span with no
/// parent that is not an HTTP request (a grain call from a background loop, a reminder, the abuse front's reports, a
/// readiness probe's outbound call) records nothing: those arrive at a steady rate whatever the load, and as roots
/// of their own they would be traces no operator question starts from.
/// </summary>
internal sealed class RequestTraceSampler(double ratio) : Sampler
{
    /// <summary>The activity ASP.NET Core starts for each request it serves.</summary>
    public const string RequestActivityName = "Microsoft.AspNetCore.Hosting.HttpRequestIn";

    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private readonly Sampler _inner = new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio));

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.ParentContext.TraceId == default && samplingParameters.Name != RequestActivityName
            ? Drop
            : _inner.ShouldSample(samplingParameters);
}

/// <summary>
/// Passes an unsampled request's trace context on to the grains it calls. Orleans's own filter starts a client span,
/// and so passes the context on, only when the caller's trace is recorded; without this the grain's span would have
/// no parent, and its log lines a trace id of their own instead of the request's. Runs before Orleans's filter,
/// which replaces the value with its client span's when it starts one.
/// </summary>
internal sealed class UnsampledTraceContextFilter : IOutgoingGrainCallFilter
{
    /// <summary>The W3C header name Orleans's activity propagation reads from the request context.</summary>
    public const string TraceParent = "traceparent";

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (Activity.Current is { Recorded: false, IdFormat: ActivityIdFormat.W3C, Id: { } id })
        {
            RequestContext.Set(TraceParent, id);
        }
        return context.Invoke();
    }
}
