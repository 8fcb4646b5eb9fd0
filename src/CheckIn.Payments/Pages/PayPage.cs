using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CheckIn.Payments;

/// <summary>
/// The passenger-facing page at <c>payUrl</c>: plain HTML forms (no script), every value HTML-encoded, every link
/// built from the mount point so it works under a host's prefix.
/// </summary>
internal static class PayPage
{
    private const string HtmlType = "text/html; charset=utf-8";

    public static void MapPayPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/pay/{id}", Show);
        endpoints.MapPost("/pay/{id}/pay", Pay);
        endpoints.MapPost("/pay/{id}/fail", Decline);
    }

    public static ContentHttpResult Show(string id, HttpContext context, IntentLedger ledger) =>
        ledger.Find(id) is { } intent
            ? TypedResults.Content(Render(intent, context), HtmlType, Encoding.UTF8, StatusCodes.Status200OK)
            : NotFound();

    public static Results<StatusCodeHttpResult, ContentHttpResult> Pay(string id, HttpContext context, IntentLedger ledger) =>
        Submit(id, IntentAction.Pay, context, ledger);

    public static Results<StatusCodeHttpResult, ContentHttpResult> Decline(string id, HttpContext context, IntentLedger ledger) =>
        Submit(id, IntentAction.Fail, context, ledger);

    private static Results<StatusCodeHttpResult, ContentHttpResult> Submit(string id, IntentAction action, HttpContext context, IntentLedger ledger)
    {
        // A refused transition (already final) also lands back on the page, which then shows the final status.
        if (ledger.Transition(id, action, DeliveryPlan.Immediate) is null)
        {
            return NotFound();
        }
        context.Response.Headers.Location = Links.PayPage(context, id);
        return TypedResults.StatusCode(StatusCodes.Status303SeeOther);
    }

    private static ContentHttpResult NotFound() => TypedResults.Content(
        Page("Payment not found", "<h1>Payment not found</h1><p>This payment link is not valid.</p>"),
        HtmlType, Encoding.UTF8, StatusCodes.Status404NotFound);

    private static string Render(PaymentIntent intent, HttpContext context)
    {
        var e = HtmlEncoder.Default;
        var amount = e.Encode($"{intent.Amount.ToString("0.00", CultureInfo.InvariantCulture)} {intent.Currency}");
        var page = Links.PayPage(context, intent.Id);
        var body = new StringBuilder()
            .Append("<h1>Payment</h1><dl>")
            .Append($"<dt>Amount</dt><dd>{amount}</dd>")
            .Append($"<dt>Description</dt><dd>{e.Encode(intent.Description ?? "")}</dd>")
            .Append($"<dt>Reference</dt><dd>{e.Encode(intent.Reference)}</dd>")
            .Append($"</dl><p role=\"status\">Status: <strong>{e.Encode(StatusText(intent.Status))}</strong></p>");
        if (!IntentRules.IsFinal(intent.Status))
        {
            body.Append($"<form method=\"post\" action=\"{e.Encode(page + "/pay")}\"><button type=\"submit\">Pay {amount}</button></form>")
                .Append($"<form method=\"post\" action=\"{e.Encode(page + "/fail")}\"><button type=\"submit\">Decline</button></form>");
        }
        return Page($"Pay {amount}", body.ToString());
    }

    private static string StatusText(IntentStatus status) => status switch
    {
        IntentStatus.RequiresPayment => "Awaiting payment",
        IntentStatus.Succeeded => "Paid",
        IntentStatus.Failed => "Declined",
        IntentStatus.Canceled => "Canceled",
        _ => status.ToString(),
    };

    // Title and body arrive already encoded.
    private static string Page(string title, string body) =>
        $"""
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} - Payment simulator</title></head>
        <body><main>{body}</main></body>
        </html>
        """;
}
