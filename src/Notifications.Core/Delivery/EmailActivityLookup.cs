using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Notifications.Delivery;

/// <summary>What SendGrid's Email Activity API says of one batch.</summary>
/// <param name="Found">True: SendGrid holds messages of the batch (it accepted the request); false: none.</param>
/// <param name="Evidence">For messages found: the earliest last-event time and the status of that message.</param>
/// <param name="Error">The lookup failed (not configured, 4xx/5xx, 429, unreachable, unreadable): nothing is known.</param>
public sealed record EmailActivityAnswer(bool Found, BatchEvidence? Evidence, string? Error);

/// <summary>
/// SendGrid's Email Activity API (a paid add-on; <c>SendGrid:EmailActivityApi</c>): <c>GET /v3/messages?limit=10&amp;query=…</c> with
/// the query <c>unique_args['run_id']="…" AND unique_args['batch_id']="…"</c> (the custom args every digest request carries),
/// URL-encoded. Any message found means SendGrid accepted the batch's request. The API allows 6 requests a minute: a 429 is an
/// answer like any error (undecided, asked again at the next revisit). Nothing personal is kept of the answer.
/// </summary>
public sealed class EmailActivityLookup(IHttpClientFactory httpClients, IOptions<SendGridOptions> sendGrid, IOptions<DeliveryOptions> delivery,
    TimeProvider time, ILogger<EmailActivityLookup> logger)
{
    /// <summary>The most of an answer read: 10 message summaries are a few KB.</summary>
    private const int MaxAnswerBytes = 256 * 1024;

    public bool Enabled => sendGrid.Value.EmailActivityApi;

    /// <summary>The query for one batch, before URL encoding.</summary>
    public static string QueryOf(string runId, string batchId)
        => $"unique_args['run_id']=\"{Escape(runId)}\" AND unique_args['batch_id']=\"{Escape(batchId)}\"";

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    public async Task<EmailActivityAnswer> FindAsync(string runId, string batchId, CancellationToken ct = default)
    {
        var o = sendGrid.Value;
        var url = $"{o.Host.TrimEnd('/')}/v3/messages?limit=10&query={Uri.EscapeDataString(QueryOf(runId, batchId))}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(delivery.Value.RequestTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);
            using var response = await httpClients.CreateClient(SendGridTransport.HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                return Failed(runId, batchId, $"the Email Activity API answered {(int)response.StatusCode}" +
                    ((int)response.StatusCode is 401 or 403 ? " (is the Email Activity add-on bought, and may the API key read it?)" : ""));
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
            {
                if (buffer.Length + read > MaxAnswerBytes)
                    return Failed(runId, batchId, $"the Email Activity API's answer is larger than {MaxAnswerBytes} bytes");
                buffer.Write(chunk, 0, read);
            }
            using var json = JsonDocument.Parse(buffer.ToArray());
            if (!json.RootElement.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
                return Failed(runId, batchId, "the Email Activity API's answer has no messages array");
            BatchEvidence? earliest = null;
            foreach (var m in messages.EnumerateArray())
            {
                var at = m.TryGetProperty("last_event_time", out var t) && t.ValueKind == JsonValueKind.String
                         && DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : time.GetUtcNow();
                var status = m.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() is { Length: > 0 and <= 40 } text
                    ? text
                    : "found";
                if (earliest is null || at < earliest.At)
                    earliest = new BatchEvidence(at, "email activity: " + status);
            }
            return new EmailActivityAnswer(earliest is not null, earliest, null);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return Failed(runId, batchId, e is OperationCanceledException
                ? $"no answer within Delivery:RequestTimeout ({delivery.Value.RequestTimeout})"
                : e.Message);
        }
    }

    private EmailActivityAnswer Failed(string runId, string batchId, string reason)
    {
        logger.LogWarning("Email Activity API lookup of batch {BatchId} of run {RunId} failed: {Reason}; the batch stays undecided", batchId, runId, reason);
        return new EmailActivityAnswer(false, null, reason);
    }
}
