using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Telemetry;
using Polly;
using SendGrid;
using SendGrid.Helpers.Reliability;
using Notifications.Mail;

namespace Notifications.Delivery;

/// <summary>
/// Sends a batch as one SendGrid v3 Mail Send request: one personalization per recipient, so nobody sees the others.
/// Every outcome is one of three: the message id (accepted), <see cref="MailNotSentException"/> (provably not accepted: refused, rate
/// limited for too long, 5xx or unreachable on every attempt, or cancelled before anything was in flight) or
/// <see cref="MailOutcomeUnknownException"/> (the request left and no answer came back: never resent automatically).
/// What is retried, and why, is described on <see cref="SendGridResilience"/>.
/// </summary>
public sealed class SendGridTransport(
    IHttpClientFactory httpClients,
    IOptions<SendGridOptions> sendGrid,
    IOptions<DeliveryOptions> delivery,
    SendGridMessageBuilder builder,
    SendGridResilience resilience,
    ILogger<SendGridTransport> logger,
    PipelineTelemetry telemetry) : IMailTransport
{
    public const string HttpClientName = "SendGrid";

    /// <summary>The error text kept from a body that is not SendGrid's JSON (an HTML page from a proxy, say).</summary>
    private const int MaxRawErrorLength = 300;

    public async Task<string> SendAsync(MailBatch batch, CancellationToken ct)
    {
        // Built and checked once (limits are checked here: a request that breaks one is refused before anything is sent).
        var body = builder.Build(batch).Serialize();
        var attempts = 0;
        var context = ResilienceContextPool.Shared.Get(ct);
        context.Properties.Set(SendGridResilience.BatchKey, batch);
        var budget = resilience.NewBudget(context);
        SendAttempt last;
        try
        {
            last = await resilience.Pipeline.ExecuteAsync(
                async (ctx, _) =>
                {
                    attempts++;
                    return await AttemptAsync(body, ctx.CancellationToken, ct);
                },
                context, 0);
        }
        catch (OperationCanceledException e) when (ct.IsCancellationRequested)
        {
            // Cancelled while waiting (throttle, backoff, rate limit) or before the body left: nothing is in flight.
            throw new MailNotSentException($"Sending was cancelled before SendGrid accepted the request ({attempts} attempts made): not sent.", e);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        var host = sendGrid.Value.Host;
        switch (last.Kind)
        {
            case SendAttemptKind.Accepted:
                logger.LogInformation(
                    "SendGrid accepted batch {BatchId} of run {RunId}: {RecipientCount} recipients, message id {MessageId}, {Attempts} attempts",
                    batch.BatchId, batch.RunId, batch.Recipients.Count, last.MessageId, attempts);
                return last.MessageId;
            case SendAttemptKind.Refused when RefusedRecipients(batch, last.Refusals) is { Count: > 0 } refused:
                logger.LogWarning("SendGrid refused batch {BatchId} of run {RunId} because of {RefusedCount} of its {RecipientCount} recipients: {Reason}",
                    batch.BatchId, batch.RunId, refused.Count, batch.Recipients.Count, last.Detail);
                throw new MailRecipientsRefusedException(
                    $"SendGrid refused the request ({last.Status}) because of {refused.Count} recipients: {last.Detail}", refused);
            case SendAttemptKind.Refused:
                throw new MailNotSentException($"SendGrid refused the request ({last.Status}): {last.Detail}");
            case SendAttemptKind.RateLimitedTooLong:
                throw new MailNotSentException(
                    $"SendGrid rate limited the request until {Format(last.Until)}, longer than Delivery:MaxRateLimitWait " +
                        $"({delivery.Value.MaxRateLimitWait}) allows to wait: not sent.");
            case SendAttemptKind.RateLimited:
                throw new MailNotSentException($"SendGrid still rate limited the request after {attempts} attempts (until {Format(last.Until)}; " +
                    $"{budget.Exhausted ?? "no retry left"}): not sent.");
            case SendAttemptKind.ServerError:
                throw new MailNotSentException($"SendGrid did not accept the request in {attempts} attempts; its last answer was {last.Status}: {last.Detail}");
            default:
                throw new MailNotSentException($"SendGrid could not be reached at {host} in {attempts} attempts: {last.Detail}");
        }
    }

    /// <summary>One request, timed by Delivery:RequestTimeout; an answer is classified, a failure is "never left" or unknown.</summary>
    private async ValueTask<SendAttempt> AttemptAsync(string body, CancellationToken pipelineCt, CancellationToken callerCt)
    {
        // Cancelled already: say so before HttpClient does, where it could not be told apart from a request in flight.
        pipelineCt.ThrowIfCancellationRequested();
        var o = delivery.Value;
        var client = new SendGridClient(httpClients.CreateClient(HttpClientName), new SendGridClientOptions
        {
            ApiKey = sendGrid.Value.ApiKey,
            Host = sendGrid.Value.Host,
            // No retries of its own (it would resend after a timeout): the pipeline decides. It is also the 9.29.3 default.
            ReliabilitySettings = new ReliabilitySettings(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero),
        });
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(pipelineCt);
        timeout.CancelAfter(o.RequestTimeout);
        var probe = new SendGridSendProbe();
        SendGridSendProbe.Current.Value = probe;
        Response response;
        try
        {
            response = await telemetry.TimeSendGridAsync(
                () => client.RequestAsync(BaseClient.Method.POST, body, urlPath: "mail/send", cancellationToken: timeout.Token));
        }
        catch (Exception e) when (probe.HandlerReached && !probe.BodyStarted)
        {
            // The body never went out: SendGrid cannot have the mail.
            if (callerCt.IsCancellationRequested)
                throw new OperationCanceledException("Cancelled before the request was sent.", e, callerCt);
            var detail = timeout.IsCancellationRequested && !pipelineCt.IsCancellationRequested
                ? $"no connection within Delivery:RequestTimeout ({o.RequestTimeout})"
                : Describe(e);
            return new SendAttempt(SendAttemptKind.Unreachable, 0, detail);
        }
        catch (Exception e)
        {
            throw new MailOutcomeUnknownException(
                callerCt.IsCancellationRequested
                    ? "Sending was cancelled while the request was in flight: SendGrid may have accepted it. The request may have reached the " +
                        "provider: do not resend automatically."
                    : timeout.IsCancellationRequested
                        ? $"SendGrid did not answer within Delivery:RequestTimeout ({o.RequestTimeout}) after the request was sent. The request " +
                            $"may have reached the provider: do not resend automatically."
                        : $"The connection to SendGrid ended after the request was sent, without an answer ({Describe(e)}). The request may have " +
                            $"reached the provider: do not resend automatically.",
                e);
        }
        finally
        {
            SendGridSendProbe.Current.Value = null;
        }
        return await ClassifyAsync(response, o, pipelineCt);
    }

    private static async Task<SendAttempt> ClassifyAsync(Response response, DeliveryOptions o, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
            return new SendAttempt(SendAttemptKind.Accepted, status, "",
                response.Headers.TryGetValues("X-Message-Id", out var ids) ? ids.FirstOrDefault() ?? "" : "");

        // The content was buffered by HttpClient with the response: reading it cannot change the outcome.
        var body = response.Body is null ? "" : await response.Body.ReadAsStringAsync(ct);
        var text = ErrorText(body);
        if (status == 429)
        {
            var now = TimeProvider.System.GetUtcNow();
            var until = SendGridResilience.RateLimitResetOf(response.Headers, now);
            if (until is null)
                // No reset given: the exponential backoff decides.
                return new SendAttempt(SendAttemptKind.RateLimited, status, text);
            var wait = until.Value - now;
            if (wait < TimeSpan.Zero)
                wait = TimeSpan.Zero;
            return wait > o.MaxRateLimitWait
                ? new SendAttempt(SendAttemptKind.RateLimitedTooLong, status, text, Until: until, Wait: wait)
                : new SendAttempt(SendAttemptKind.RateLimited, status, text, Until: until, Wait: wait);
        }
        if (status >= 500)
            return new SendAttempt(SendAttemptKind.ServerError, status, text);
        return new SendAttempt(SendAttemptKind.Refused, status, text, Refusals: status == 400 ? PersonalizationErrors(body) : null);
    }

    /// <summary>
    /// SendGrid's 400 when every error it lists names one personalization (<c>"field": "personalizations.3.to.0.email"</c>): each
    /// personalization's index and the error's message. Null when any error is about something else (the request as a whole).
    /// </summary>
    public static IReadOnlyList<(int Index, string Message)>? PersonalizationErrors(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Array || errors.GetArrayLength() == 0)
                return null;
            var list = new List<(int, string)>();
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("field", out var field) || field.ValueKind != JsonValueKind.String)
                    return null;
                var match = System.Text.RegularExpressions.Regex.Match(field.GetString()!,
                    @"^personalizations\.(?<index>[0-9]{1,4})\.(to|cc|bcc)(\.[0-9]{1,4})?(\.email)?$");
                if (!match.Success)
                    return null;
                // Kept in the ledger and the subscriber's history: never with an address SendGrid might quote.
                var message = LogScrubber.Scrub(error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "refused");
                list.Add((int.Parse(match.Groups["index"].Value, CultureInfo.InvariantCulture),
                    message.Length <= MaxRawErrorLength ? message : message[..MaxRawErrorLength] + "…"));
            }
            return list;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The batch's recipients the errors name (one personalization per recipient, in order); empty when any index is out of range.</summary>
    private static List<RefusedRecipient> RefusedRecipients(MailBatch batch, IReadOnlyList<(int Index, string Message)>? refusals)
    {
        if (refusals is null || refusals.Any(r => r.Index >= batch.Recipients.Count))
            return [];
        return refusals.GroupBy(r => r.Index)
            .Select(g => new RefusedRecipient(batch.Recipients[g.Key], string.Join("; ", g.Select(r => r.Message).Distinct())))
            .ToList();
    }

    /// <summary>SendGrid's <c>errors[].message</c>, joined; the raw body (shortened) when it is not SendGrid's JSON.</summary>
    internal static string ErrorText(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var messages = errors.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                        ? m.GetString()
                        : null)
                    .Where(m => !string.IsNullOrWhiteSpace(m))
                    .ToList();
                if (messages.Count > 0)
                    return string.Join("; ", messages);
            }
        }
        catch (JsonException)
        {
        }
        var raw = body.Trim();
        if (raw.Length == 0)
            return "(no error text)";
        return raw.Length <= MaxRawErrorLength ? raw : raw[..MaxRawErrorLength] + "…";
    }

    private static string Describe(Exception e)
    {
        // The innermost message says what happened ("Connection refused", "Name or service not known", a connect timeout).
        var inner = e;
        while (inner.InnerException is { } next)
            inner = next;
        return e.Message.Contains(inner.Message, StringComparison.Ordinal) ? e.Message : $"{e.Message} ({inner.Message})";
    }

    private static string Format(DateTimeOffset? time)
        => time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "an unknown time";
}
