using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Subscribers;
using Notifications.Mail;
using Notifications.Digests;

namespace Notifications.Pipeline;

/// <summary>
/// Sends one batch of a run (on both send paths: the queue's, <see cref="BatchDue"/>, and <see cref="DigestRunner"/>'s inline one), after checking, right
/// before the batch is claimed, that the articles its rendering carries (<see cref="DigestRendering"/>) are still published:
/// <list type="bullet">
/// <item>none withdrawn: the batch sends the variant's archived rendering;</item>
/// <item>some withdrawn, others left: it sends the variant rendered again without them, archived as a rendering of its own
/// (<see cref="DigestRendering.WithoutId"/>); every sender that meets the same withdrawals makes the same one, byte for byte (same
/// articles, keys derived from the original's), so several batches or workers meeting it at once agree;</item>
/// <item>nothing left (an alert always: it carries one article): the batch is <see cref="BatchStatus.Cancelled"/>, never claimed nor
/// sent, and done as far as its run goes.</item>
/// </list>
/// A rendering archived before renderings recorded their articles is sent as it is.
/// </summary>
public sealed class DigestBatchSender(
    DigestArchive archive,
    ArticleIndex articles,
    DigestRenderer renderer,
    SubscriptionLinks links,
    DeliveryLedger ledger,
    BatchSender sender,
    ILogger<DigestBatchSender> logger)
{
    /// <summary>
    /// The renderings one caller went through (the inline loop: a whole plan, several batches at once), each read once (twice at
    /// most when two batches of a variant start together: the same bytes either way).
    /// </summary>
    public sealed class Loaded
    {
        internal ConcurrentDictionary<string, MailContent> Contents { get; } = new(StringComparer.Ordinal);
        internal ConcurrentDictionary<string, DigestRendering?> Renderings { get; } = new(StringComparer.Ordinal);
    }

    public async Task<BatchResult> SendAsync(DigestRun run, DeliveryBatch batch, Loaded loaded, CancellationToken ct, bool resendUncertain = false)
    {
        var content = await ContentAsync(run.RunId, batch.Variant, loaded, ct);
        // Sent and Cancelled never change again: nothing to check.
        if (batch.Status is not (BatchStatus.Sent or BatchStatus.Cancelled) && await RenderingAsync(run.RunId, batch.Variant, loaded, ct) is { } rendering)
        {
            var withdrawn = await articles.WithdrawnAmongAsync(rendering.Articles.Select(a => a.BlobName).ToList(), ct);
            if (withdrawn.Count > 0)
            {
                var names = string.Join(", ", withdrawn.Order(StringComparer.Ordinal));
                var left = rendering.Articles.Where(a => !withdrawn.Contains(a.BlobName)).ToList();
                if (left.Count == 0)
                    return await CancelAsync(
                        run,
                        batch,
                        content,
                        $"not sent: {(withdrawn.Count == 1 ? "its article " + names + " was" : "its articles " + names + " were")} withdrawn " +
                            $"before it was sent",
                        ct,
                        resendUncertain);
                content = await WithoutAsync(run.RunId, batch.Variant, rendering, content, left, names, loaded, ct);
            }
        }
        return await sender.SendAsync(batch, CategoryOf(run), content, ct, resendUncertain);
    }

    /// <summary>
    /// Cancels the batch if a sender would claim it now (Planned, Failed; Uncertain when resending); otherwise the sender reports it and sends nothing.
    /// </summary>
    private async Task<BatchResult> CancelAsync(
        DigestRun run, DeliveryBatch batch, MailContent content, string reason, CancellationToken ct, bool resendUncertain)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await ledger.GetAsync(batch.RunId, batch.PlanId, batch.BatchId, ct) ?? batch;
            if (current.Status is not (BatchStatus.Planned or BatchStatus.Failed) && !(current.Status is BatchStatus.Uncertain && resendUncertain))
                // Sent, being sent, cancelled by someone else, or uncertain and not to be resent: reported as it is, never (re)sent.
                return await sender.SendAsync(current, CategoryOf(run), content, ct, resendUncertain: false);
            if (await ledger.TryMoveAsync(current, BatchStatus.Cancelled, error: reason, ct: ct) is not null)
            {
                logger.LogWarning(
                    "Batch {BatchId} of run {RunId} cancelled ({Recipients} recipients): {Reason}",
                    batch.BatchId, batch.RunId, current.RecipientIds.Count, reason);
                return new BatchResult(batch.BatchId, BatchOutcome.Cancelled, 0, current.RecipientIds.Count, reason);
            }
            if (attempt >= 3)
                return new BatchResult(batch.BatchId, BatchOutcome.InProgress, 0, 0, null);
        }
    }

    /// <summary>The variant rendered again with only <paramref name="left"/>: archived once under its own id, the same whoever makes it.</summary>
    private async Task<MailContent> WithoutAsync(
        string runId, string variant, DigestRendering rendering, MailContent original, IReadOnlyList<IndexedArticle> left,
        string withdrawn, Loaded loaded, CancellationToken ct)
    {
        var id = DigestRendering.WithoutId(variant, left);
        if (loaded.Contents.TryGetValue(id, out var known)) return known;
        var content = await archive.LoadAsync(runId, id, ct);
        if (content is null)
        {
            // Keys derived from the original rendering's (secret) nonce: whoever renders this again writes the same bytes.
            var nonce = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{original.Placeholders?.Nonce}\n{id}")))[..32];
            content = renderer.Render(
                rendering.Shown,
                left,
                rendering.Language,
                links.ViewDigest(runId, id),
                rendering.Correction,
                new MailPlaceholders(nonce),
                rendering.Topics);
            await Task.WhenAll(
                archive.SaveAsync(runId, id, content, ct),
                archive.SaveRenderingAsync(runId, id, rendering with { Articles = left }, ct));
            logger.LogWarning("Run {RunId}: rendering {Variant} carried {Withdrawn}, withdrawn since; its batches send {Rendering}, rendered again without it",
                runId, variant, withdrawn, id);
        }
        return loaded.Contents[id] = content;
    }

    /// <summary>The mail's category, and the batch's frequency tag: the run's frequency, lower case (<c>daily</c>, <c>weekly</c>, <c>instant</c>).</summary>
    private static string CategoryOf(DigestRun run) => run.Frequency.ToString().ToLowerInvariant();

    private async Task<MailContent> ContentAsync(string runId, string variant, Loaded loaded, CancellationToken ct)
    {
        if (loaded.Contents.TryGetValue(variant, out var content)) return content;
        return loaded.Contents[variant] = await archive.LoadAsync(runId, variant, ct)
            ?? throw new InvalidOperationException($"Run {runId} is planned but its rendered digest ({variant}) is missing from the digests container.");
    }

    private async Task<DigestRendering?> RenderingAsync(string runId, string variant, Loaded loaded, CancellationToken ct)
    {
        if (loaded.Renderings.TryGetValue(variant, out var rendering)) return rendering;
        return loaded.Renderings[variant] = await archive.LoadRenderingAsync(runId, variant, ct);
    }
}
