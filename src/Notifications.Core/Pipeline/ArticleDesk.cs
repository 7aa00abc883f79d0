using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Storage;
using Notifications.Subscribers;

namespace Notifications.Pipeline;

/// <summary>A file the desk (or <c>notify articles publish</c>) is about to write into <c>articles</c>, not yet written.</summary>
public sealed record ArticleDraft(string BlobName, byte[] Content);

/// <summary>What the pipeline will make of a draft: the article as it would be indexed (null when rejected), its sanitised body,
/// the rejection (message, line, hint), and the editorial warnings (<see cref="ArticleChecks"/> plus the parser's own).</summary>
public sealed record DraftCheck(IndexedArticle? Article, string BodyHtml, ArticleRejection? Rejection, IReadOnlyList<ArticleWarning> Warnings);

/// <summary>A draft as one subscriber language receives it: in the next digest and as an instant alert, with a sample recipient's name and
/// links filled in (<see cref="MailContent.Placeholders"/> is null: nothing is left to substitute).</summary>
/// <param name="InLanguage">False when the reader gets another language's version (the "(in English)" mark).</param>
public sealed record DraftPreview(string Language, bool InLanguage, MailContent Digest, MailContent Alert);

/// <summary>
/// What publishing (or withdrawing) did, as the desk and <c>notify articles publish</c> both say it: the ingest outcome, the
/// rejection when rejected, when it is held until, how many subscribers its alert was queued for, and whether a correction
/// was mailed again.
/// </summary>
public sealed record PublicationOutcome(
    string BlobName,
    IngestOutcome Outcome,
    IndexedArticle? Article,
    ArticleRejection? Rejection,
    DateTimeOffset? HeldUntil,
    int? AlertRecipients,
    bool Correction,
    bool MailedAgain,
    IReadOnlyList<ArticleWarning> Warnings)
{
    /// <summary>When its group's alert goes, while it waits for translations (<c>Schedule:AlertGracePeriod</c>); null otherwise.</summary>
    public DateTimeOffset? AlertWaitsUntil { get; init; }
}

/// <summary>Where an article went: one run that carried it.</summary>
public sealed record ArticleTrail(string RunId, DigestFrequency Frequency, DateTimeOffset At, int Recipients, bool Alert, DigestRunStatus Status);

/// <summary>
/// The editors' desk's work, over the same single path as a file dropped by hand: a draft is checked and previewed without
/// being written; publishing writes the file into <c>articles</c> and runs what the blob trigger runs (<see cref="ArticlePublished"/>);
/// withdrawing deletes it and runs the same. Test messages go to the editor only, through the configured delivery.
/// </summary>
public sealed class ArticleDesk(
    ArticlePublisher publisher,
    ArticlePublished published,
    ArticleIndex index,
    ArticleParser parser,
    ArticleChecks checks,
    DigestRenderer renderer,
    DigestRunStore runs,
    DigestArchive archive,
    StorageResources storage,
    SubscriberStore subscribers,
    SubscriptionLinks links,
    SubscriberIds ids,
    IMailTransport transport,
    IOptions<ArticleOptions> options,
    TimeProvider time,
    ILogger<ArticleDesk> logger)
{
    /// <summary>The category of test messages (as <c>notify digest send-test</c>).</summary>
    public const string SendTestCategory = "send-test";

    private readonly ReaderLanguages _readers = new(subscribers, time);
    private readonly ArticleTrails _trails = new(runs, archive, index, storage, time);
    private readonly SendTestLimit _limit = new(time);

    /// <summary>The parsed article, body, rejection and warnings of a draft; nothing is written.</summary>
    /// <remarks>The article is the record ingest would write (accepted, held: <see cref="IndexedArticle.AvailableAt"/> in the future, draft,
    /// duplicate, or rejected); the warnings are the parser's, then <see cref="ArticleChecks"/>'s over the languages active subscribers read
    /// and the languages of its translation group in the index (this article's included). Cost: one index read of the name, one index scan.</remarks>
    public async Task<DraftCheck> CheckAsync(ArticleDraft draft, CancellationToken ct = default)
        => (await EvaluateAsync(draft, ct)).Check;

    /// <summary>The draft in each subscriber language (en, ru, fr): next digest and instant alert; nothing is written.</summary>
    /// <remarks>Each language's reader gets what the digests' selection gives them over the draft and its translations in the index: the
    /// translation in their language, else this draft (<see cref="DraftPreview.InLanguage"/> false: the "(in English)" mark). Empty when the
    /// draft is rejected (<see cref="CheckAsync"/> says why). A draft (<c>draft: true</c>) or a duplicate is previewed as if it were accepted.</remarks>
    public async Task<IReadOnlyList<DraftPreview>> PreviewAsync(ArticleDraft draft, CancellationToken ct = default)
    {
        var evaluated = await EvaluateAsync(draft, ct);
        if (evaluated.Check.Article is not { Status: not ArticleStatus.Rejected } article) return [];
        var now = time.GetUtcNow();
        var shown = AsSent(article, now);
        var window = evaluated.Translations.Append(shown).ToList();
        return DigestLocale.Languages.Select(language =>
        {
            var (digest, alert, inLanguage) = Render(shown, window, language, now);
            var recipient = DigestSamples.Recipient(language, "recipient@example.org", links.Unsubscribe(DigestSamples.SampleId),
                links.Preferences(DigestSamples.SampleId));
            return new DraftPreview(language, inLanguage, Filled(digest, recipient), Filled(alert, recipient));
        }).ToList();
    }

    /// <summary>Writes the draft into <c>articles</c> and ingests it as the blob trigger does (alert included); says what happened.</summary>
    /// <remarks>The one path: <see cref="ArticlePublisher"/> writes the blob, <see cref="ArticlePublished.IngestAsync"/> ingests it (the blob
    /// trigger that follows finds it unchanged). <see cref="PublicationOutcome.AlertRecipients"/> is the planned recipients of the alert run
    /// this publication created (none when its group's alert had gone before, or it is held); a file larger than Articles:MaxBytes is
    /// written and rejected by ingest ("too-large"), as a dropped file would be; a correction of an article already in digests
    /// is <see cref="PublicationOutcome.Correction"/>, and <see cref="PublicationOutcome.MailedAgain"/> only with <c>resend: true</c>.</remarks>
    public async Task<PublicationOutcome> PublishAsync(ArticleDraft draft, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArticleBlobName.Check(draft.BlobName);
        // What the editor sees next (the list's "where it went") includes what this publication queued.
        _trails.Forget();
        var before = (await index.GetAsync(draft.BlobName, ct))?.Article;
        var checkedBefore = (await EvaluateAsync(draft, ct)).Check;
        var alertsBefore = await ExistingAlertsAsync(checkedBefore.Article!, ct);

        using (var stream = new MemoryStream(draft.Content, writable: false))
            await publisher.PublishAsync(draft.BlobName, stream, ct);
        var result = await published.IngestAsync(draft.BlobName, ct);
        var now = time.GetUtcNow();
        var article = result.Article;

        int? alertRecipients = null;
        DateTimeOffset? alertWaitsUntil = null;
        if (result.Outcome is IngestOutcome.Accepted or IngestOutcome.Updated
            && article is { Status: ArticleStatus.Accepted, AvailableAt: { } at } && at <= now)
        {
            // The alert run this publication created: the group's (or the correction's), or its own as a late translation.
            var group = article.TranslationKey ?? article.BlobName;
            foreach (var key in new[] { DigestPeriod.Alert(article).Key, DigestPeriod.LateTranslationKey(group, article.Language) })
                if (alertRecipients is null && !alertsBefore.Contains(key) && await runs.GetAsync(DigestFrequency.Instant, key, ct) is { } run)
                    alertRecipients = run.RecipientCount;
            if (alertRecipients is null)
                alertWaitsUntil = await published.AlertWaitsUntilAsync(article, ct);
        }
        var correction = result.Outcome == IngestOutcome.Updated && before is { Status: ArticleStatus.Accepted, AvailableAt: { } was } && was <= now;
        IReadOnlyList<ArticleWarning> warnings = article is { Status: not ArticleStatus.Rejected } ? checkedBefore.Warnings : [];
        logger.LogInformation("Desk published {BlobName}: {Outcome}", draft.BlobName, result.Outcome);
        return new PublicationOutcome(draft.BlobName, result.Outcome, article, article?.Status == ArticleStatus.Rejected ? article.Rejection : null,
            article is { Status: ArticleStatus.Accepted, AvailableAt: { } available } && available > now ? available : null,
            alertRecipients, correction, correction && article!.Correction, warnings)
        { AlertWaitsUntil = alertWaitsUntil };
    }

    /// <summary>Deletes the file from <c>articles</c> and ingests the deletion as the blob trigger does (withdrawn).</summary>
    public async Task<PublicationOutcome> WithdrawAsync(string blobName, CancellationToken ct = default)
    {
        ArticleBlobName.Check(blobName);
        _trails.Forget();
        await publisher.DeleteAsync(blobName, ct);
        var result = await published.IngestAsync(blobName, ct);
        logger.LogInformation("Desk withdrew {BlobName}: {Outcome}", blobName, result.Outcome);
        return new PublicationOutcome(blobName, result.Outcome, result.Article, null, null, null, false, false, []);
    }

    /// <summary>Sends one test message of the draft (<paramref name="alert"/>: the alert, else the digest) in <paramref name="language"/>
    /// to <paramref name="to"/> only; returns the message id. No subscriber and no run is involved.</summary>
    /// <remarks>Category <see cref="SendTestCategory"/>, a sample recipient's links (they open a harmless "not found"), at most
    /// <see cref="SendTestLimit.PerHour"/> an hour to one address (<see cref="SendTestLimitException"/>). A rejected draft throws
    /// <see cref="ArticleRejectedException"/>; an unknown language or a bad address, <see cref="ArgumentException"/>.</remarks>
    public async Task<string> SendTestAsync(ArticleDraft draft, bool alert, string language, string to, CancellationToken ct = default)
    {
        if (!DigestLocale.Languages.Contains(language))
            throw new ArgumentException($"'{language}' is not a subscriber language; use one of {string.Join(", ", DigestLocale.Languages)}.",
                nameof(language));
        var address = EmailAddress.Normalize(to);
        var evaluated = await EvaluateAsync(draft, ct);
        if (evaluated.Check.Article is not { Status: not ArticleStatus.Rejected } article)
            throw new ArticleRejectedException(evaluated.Check.Rejection!);
        var now = time.GetUtcNow();
        var shown = AsSent(article, now);
        var (digest, alertContent, _) = Render(shown, evaluated.Translations.Append(shown).ToList(), language, now);
        var sample = DigestSamples.Recipient(language, address, links.Unsubscribe(DigestSamples.SampleId), links.Preferences(DigestSamples.SampleId))
            with
        { SubscriberId = ids.Of(address) };
        // Unique per message, so two tests in one second are two files in the outbox.
        var runId = $"send-test-{now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-" +
            Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        _limit.Take(address);
        try
        {
            var id = await transport.SendAsync(new MailBatch(runId, "1", SendTestCategory, alert ? alertContent : digest, [sample]), ct);
            logger.LogInformation("Desk sent a test {Kind} of {BlobName} in {Language}: {MessageId}", alert ? "alert" : "digest", draft.BlobName, language, id);
            return id;
        }
        catch
        {
            _limit.Return(address);
            throw;
        }
    }

    /// <summary>The stored file of an article, to edit; null when there is no such blob.</summary>
    /// <exception cref="InvalidOperationException">The file is larger than <see cref="ArticleOptions.MaxBytes"/>.</exception>
    public async Task<ArticleDraft?> OpenAsync(string blobName, CancellationToken ct = default)
    {
        ArticleBlobName.Check(blobName);
        var max = options.Value.MaxBytes;
        var content = await publisher.ReadAsync(blobName, max, ct);
        if (content is null) return null;
        if (content.Length > max)
            throw new InvalidOperationException($"'{blobName}' is larger than Articles:MaxBytes ({max} bytes): " +
                "it cannot be opened in the desk, and ingest rejects it.");
        return new ArticleDraft(blobName, content);
    }

    /// <summary>For each article (by blob name), the runs that carried it, newest first.</summary>
    /// <remarks>See <see cref="ArticleTrails"/>: the last 90 days, at most 60 digest runs and 500 alert runs, kept for a minute.</remarks>
    public Task<IReadOnlyDictionary<string, IReadOnlyList<ArticleTrail>>> TrailsAsync(CancellationToken ct = default) => _trails.ReadAsync(ct);

    private sealed record Evaluated(DraftCheck Check, IReadOnlyList<IndexedArticle> Translations);

    private async Task<Evaluated> EvaluateAsync(ArticleDraft draft, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArticleBlobName.Check(draft.BlobName);
        var previous = (await index.GetAsync(draft.BlobName, ct))?.Article;
        var all = await index.ListAsync(ct: ct);
        var (record, parsed) = DraftEvaluation.Evaluate(parser, draft, previous, all, time.GetUtcNow(), options.Value.NewsWindow);
        if (parsed is null)
            return new Evaluated(new DraftCheck(record, "", record.Rejection, []), []);
        var translations = all.Where(a => a.BlobName != draft.BlobName && a.Status == ArticleStatus.Accepted && a.TranslationKey == record.TranslationKey)
            .ToList();
        var warnings = record.WarningList.Concat(checks.Check(parsed, await FactsAsync(record, translations, ct))).ToList();
        return new Evaluated(new DraftCheck(record, parsed.BodyHtml, null, warnings), translations);
    }

    private async Task<ArticleCheckFacts> FactsAsync(IndexedArticle article, IReadOnlyList<IndexedArticle> translations, CancellationToken ct)
        => new(await _readers.GetAsync(ct), translations.Select(t => t.Language).Append(article.Language).Distinct(StringComparer.Ordinal).ToList());

    /// <summary>The article as a digest would carry it now: accepted and available (a draft, a duplicate or a held one, previewed).</summary>
    private static IndexedArticle AsSent(IndexedArticle article, DateTimeOffset now)
        => article with { Status = ArticleStatus.Accepted, AcceptedAt = article.AcceptedAt ?? now, AvailableAt = now, DuplicateOf = null };

    private (MailContent Digest, MailContent Alert, bool InLanguage) Render(IndexedArticle shown, IReadOnlyList<IndexedArticle> window, string language,
        DateTimeOffset now)
    {
        var variant = DigestVariant.Of(language, []);
        var selected = variant.Select(window);
        var daily = DigestPeriod.For(DigestFrequency.Daily, now);
        var group = shown.TranslationKey ?? shown.BlobName;
        var alertPeriod = DigestPeriod.Alert(group, now, shown.Correction ? shown.ContentHash : null);
        var digest = renderer.Render(daily, selected, language, links.ViewDigest(daily.RunId, variant.Id));
        var alert = renderer.Render(alertPeriod, selected, language, links.ViewDigest(alertPeriod.RunId, variant.Id), shown.Correction);
        return (digest, alert, selected.Count == 1 && selected[0].Language == language);
    }

    private static MailContent Filled(MailContent content, Recipient recipient)
    {
        var keys = content.Placeholders ?? MailPlaceholders.Legacy;
        return content with { Html = keys.Apply(content.Html, recipient), Text = keys.Apply(content.Text, recipient), Placeholders = null };
    }

    /// <summary>Which of the alert runs the draft could make exist already: its group's, and its group's correction of this content.</summary>
    private async Task<HashSet<string>> ExistingAlertsAsync(IndexedArticle draft, CancellationToken ct)
    {
        var existing = new HashSet<string>(StringComparer.Ordinal);
        if (draft.Status == ArticleStatus.Rejected) return existing;
        var group = draft.TranslationKey ?? draft.BlobName;
        foreach (var key in new[] { DigestPeriod.AlertKey(group), DigestPeriod.AlertKey(group, draft.ContentHash),
                     DigestPeriod.LateTranslationKey(group, draft.Language) })
            if (await runs.GetAsync(DigestFrequency.Instant, key, ct) is not null)
                existing.Add(key);
        return existing;
    }
}
