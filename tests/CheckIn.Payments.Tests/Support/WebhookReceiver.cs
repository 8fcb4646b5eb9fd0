using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using CheckIn.Payments;

namespace CheckIn.Payments.Tests.Support;

internal sealed record ReceivedWebhook(WebhookCheck Check, PaymentWebhookEvent? Event, string? ContentType, string? Timestamp, string Body);

/// <summary>
/// A real HTTP endpoint on 127.0.0.1:&lt;free port&gt; that checks each webhook with <see cref="WebhookSignature.Verify"/>
/// and answers with the scripted status codes, then 200.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentQueue<int> _answers;
    private readonly Func<DateTimeOffset> _now;
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(Func<DateTimeOffset> now, IEnumerable<int> answers, bool gated)
    {
        _now = now;
        _answers = new ConcurrentQueue<int>(answers);
        if (!gated)
        {
            _gate.SetResult();
        }
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks", ReceiveAsync);
    }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    public static async Task<WebhookReceiver> StartAsync(Func<DateTimeOffset>? now = null, int[]? answers = null, bool gated = false)
    {
        var receiver = new WebhookReceiver(now ?? (() => DateTimeOffset.UtcNow), answers ?? [], gated);
        await receiver._app.StartAsync();
        receiver.Url = new Uri(receiver._app.Urls.Single() + "/hooks");
        return receiver;
    }

    /// <summary>Lets requests blocked by a gated receiver answer.</summary>
    public void OpenGate() => _gate.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        OpenGate();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        string? timestamp = request.Headers[WebhookSignature.TimestampHeader];
        var check = WebhookSignature.Verify(Simulator.Secret, timestamp, request.Headers[WebhookSignature.SignatureHeader],
            body, _now(), TimeSpan.FromMinutes(5));
        var evt = JsonSerializer.Deserialize<PaymentWebhookEvent>(body, PaymentJson.Options);
        _received.Enqueue(new ReceivedWebhook(check, evt, request.ContentType, timestamp, Encoding.UTF8.GetString(body)));
        await _gate.Task;
        return Results.StatusCode(_answers.TryDequeue(out var status) ? status : 200);
    }
}
