using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Notifications.Mail;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Templates;

namespace Notifications.Digests;

/// <summary>One digest template as admins see it: built in, overridden (in use or rejected), who saved the override, how many versions.</summary>
/// <param name="BuiltIn">A template of the app (an override replaces it); false for a partial only an override added.</param>
/// <param name="ETag">The override's ETag (a save names it, so it cannot replace what someone else saved meanwhile); null: none.</param>
/// <param name="Problems">Why the override is rejected (empty when it is in use or there is none).</param>
public sealed record TemplateEntry(string Name, bool BuiltIn, bool Overridden, bool InUse, string? ETag, DateTimeOffset? SavedAt, string? SavedBy,
    IReadOnlyList<TemplateOverrideProblem> Problems);

/// <summary>One template to edit: its entry, the text in force (the override's, else the built-in), the built-in text, and its history.</summary>
public sealed record TemplateDocument(TemplateEntry Entry, string Source, string? BuiltInSource, IReadOnlyList<TemplateVersion> History);

/// <summary>What became of a save, a rollback or a removal.</summary>
/// <param name="Problems">Why the text was refused (the checks of <see cref="DigestTemplateOverrides.Check"/>); nothing was written.</param>
/// <param name="Conflict">Someone saved or removed the override since it was opened; nothing was written.</param>
public sealed record TemplateChange(bool Done, IReadOnlyList<TemplateOverrideProblem> Problems, bool Conflict = false, string? ETag = null)
{
    public static readonly TemplateChange Stale = new(false, [], Conflict: true);
}

/// <summary>A digest rendered for a preview or a test: subject, HTML and text with a sample recipient's name and links.</summary>
public sealed record TemplatePreview(string Language, string Subject, string Html, string Text, MailContent Content);

/// <summary>
/// What admins do with the digest templates (the console's template editor and <c>notify templates</c>): list the built-in and
/// overridden templates with their status, read one, save an override after the checks <see cref="DigestTemplateOverrides"/>
/// runs at start (parse, render the whole digest in en/ru/fr with every optional part and with none, unsubscribe link kept:
/// the text is refused with each problem's line, column and language, and nothing is written), keep the replaced version
/// (<see cref="TemplateHistory"/>), roll back to a kept version (checked again: the built-in templates may have changed since),
/// remove an override (the built-in is used again), and render the digest with sample articles (<see cref="DigestSamples"/>) in
/// each language with the templates in force, a kept version or the built-in one.
/// <para>
/// A save or rollback names the override's ETag as it was opened: when someone saved in between, it is refused
/// (<see cref="TemplateChange.Conflict"/>) and the text is kept for a second try. After a change this instance uses the
/// result at once (<see cref="DigestTemplateOverrides.RefreshAsync"/>); other instances within <c>Digest:TemplateRefresh</c>.
/// </para>
/// </summary>
public sealed partial class TemplateWorkbench(
    StorageResources storage,
    TemplateSet builtin,
    DigestTemplateOverrides overrides,
    TemplateHistory history,
    DigestRenderer renderer,
    SubscriptionLinks links,
    SubscriberIds ids,
    IMailTransport transport,
    TimeProvider time,
    ILogger<TemplateWorkbench> logger)
{
    /// <summary>The category of test messages (as <c>notify digest send-test</c> and the desk's).</summary>
    public const string SendTestCategory = "send-test";

    /// <summary>The built-in digest templates an override may replace, then every override in the container, by name.</summary>
    public async Task<IReadOnlyList<TemplateEntry>> ListAsync(CancellationToken ct = default)
    {
        var report = await overrides.RefreshAsync(ct);
        var blobs = await OverrideBlobsAsync(ct);
        var names = builtin.Names.Where(DigestTemplateOverrides.IsDigestTemplateName).Concat(blobs.Keys).Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
        return names.Select(n => Entry(n, blobs.GetValueOrDefault(n), report)).ToList();
    }

    /// <summary>One template with its text and history; null for a name that is not a digest template's.</summary>
    public async Task<TemplateDocument?> OpenAsync(string name, CancellationToken ct = default)
    {
        if (!DigestTemplateOverrides.IsDigestTemplateName(name)) return null;
        var report = await overrides.RefreshAsync(ct);
        var blobs = await OverrideBlobsAsync(ct);
        var entry = Entry(name, blobs.GetValueOrDefault(name), report);
        var builtinSource = builtin.Contains(name) ? builtin.SourceOf(name) : null;
        var source = entry.Overridden ? await DownloadAsync(name, ct) ?? "" : builtinSource ?? "";
        return new TemplateDocument(entry, source, builtinSource, await history.ListAsync(name, ct));
    }

    /// <summary>The problems <paramref name="source"/> would have as the override <paramref name="name"/>, with the other overrides in place.</summary>
    public async Task<IReadOnlyList<TemplateOverrideProblem>> CheckAsync(string name, string source, CancellationToken ct = default)
    {
        var sources = await OverrideSourcesAsync(ct);
        sources[name] = ("draft", Normalize(source));
        var (_, statuses) = overrides.Check(sources);
        return statuses.Single(s => s.Name == name).Problems;
    }

    /// <summary>
    /// Saves <paramref name="source"/> as the override <paramref name="name"/> when it passes the checks and the override still has
    /// <paramref name="expectedETag"/> (null or empty: there was none); the replaced override is kept in the history.
    /// </summary>
    public async Task<TemplateChange> SaveAsync(string name, string source, string? expectedETag, string? by, CancellationToken ct = default)
    {
        source = Normalize(source);
        var problems = await CheckAsync(name, source, ct);
        if (problems.Count > 0) return new TemplateChange(false, problems);
        await storage.Templates.CreateIfNotExistsAsync(cancellationToken: ct);
        var kept = await history.KeepCurrentAsync(name, by, ct);
        if (!Same(kept, expectedETag)) return TemplateChange.Stale;
        try
        {
            var saved = await storage.Templates.GetBlobClient(name).UploadAsync(BinaryData.FromString(source), new BlobUploadOptions
            {
                Metadata = history.SavedMetadata(by),
                HttpHeaders = new BlobHttpHeaders { ContentType = "text/plain; charset=utf-8" },
                Conditions = kept is { } etag ? new BlobRequestConditions { IfMatch = etag } : new BlobRequestConditions { IfNoneMatch = ETag.All },
            }, ct);
            await overrides.RefreshAsync(ct);
            LogSaved(name, Encoding.UTF8.GetByteCount(source));
            return new TemplateChange(true, [], ETag: saved.Value.ETag.ToString());
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return TemplateChange.Stale;
        }
    }

    /// <summary>Saves the kept version <paramref name="id"/> as the override again (checked as any save); false-like result when unknown.</summary>
    public async Task<TemplateChange?> RollBackAsync(string name, string id, string? expectedETag, string? by, CancellationToken ct = default)
    {
        if (!DigestTemplateOverrides.IsDigestTemplateName(name) || await history.ReadAsync(name, id, ct) is not { } source) return null;
        var change = await SaveAsync(name, source, expectedETag, by, ct);
        if (change.Done) LogRolledBack(name, id);
        return change;
    }

    /// <summary>Deletes the override (kept in the history first): the built-in template is used again, or none for an added partial.</summary>
    public async Task<TemplateChange> RemoveAsync(string name, string? expectedETag, string? by, CancellationToken ct = default)
    {
        var kept = await history.KeepCurrentAsync(name, by, ct);
        if (kept is not { } etag || !Same(kept, expectedETag)) return TemplateChange.Stale;
        try
        {
            await storage.Templates.GetBlobClient(name).DeleteAsync(conditions: new BlobRequestConditions { IfMatch = etag }, cancellationToken: ct);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            return TemplateChange.Stale;
        }
        await overrides.RefreshAsync(ct);
        LogRemoved(name);
        return new TemplateChange(true, []);
    }

    /// <summary>
    /// The daily digest of now in <paramref name="language"/> from the sample articles, for <paramref name="email"/> (a sample name and
    /// links that open a harmless "not found"), with the templates in force, or with <paramref name="version"/> of <paramref name="name"/>
    /// in its place (<c>builtin</c>: the built-in one; a kept version's id). Null when that version does not exist; the problems when
    /// it no longer passes the checks.
    /// </summary>
    public async Task<(TemplatePreview? Preview, IReadOnlyList<TemplateOverrideProblem> Problems)> PreviewAsync(string name, string language,
        string? version, string email, CancellationToken ct = default)
    {
        language = DigestLocale.For(language).Language;
        TemplateSet set;
        if (string.IsNullOrEmpty(version))
        {
            await overrides.RefreshIfDueAsync(ct);
            set = overrides.Templates;
        }
        else
        {
            var sources = await OverrideSourcesAsync(ct);
            if (version == "builtin")
            {
                if (!builtin.Contains(name)) return (null, []);
                sources.Remove(name);
            }
            else if (await history.ReadAsync(name, version, ct) is { } kept)
                sources[name] = ("version", Normalize(kept));
            else
                return (null, []);
            var (checkedSet, statuses) = overrides.Check(sources);
            if (statuses.FirstOrDefault(s => s.Name == name) is { InUse: false } rejected) return (null, rejected.Problems);
            set = checkedSet;
        }
        var period = DigestPeriod.For(DigestFrequency.Daily, time.GetUtcNow());
        var articles = DigestVariant.Of(language, []).Select(DigestSamples.Articles);
        var content = renderer.Render(set, period, articles, language, $"{links.BaseUrl}/api/digests/{period.RunId}/{language}");
        var recipient = DigestSamples.Recipient(language, email, links.Unsubscribe(DigestSamples.SampleId), links.Preferences(DigestSamples.SampleId));
        var keys = content.Placeholders ?? MailPlaceholders.Legacy;
        return (new TemplatePreview(language, content.Subject, keys.Apply(content.Html, recipient), keys.Apply(content.Text, recipient), content), []);
    }

    /// <summary>
    /// Sends one message of that preview to <paramref name="to"/> only (category <c>send-test</c>; no subscriber, no run); returns the
    /// message id. Null when the version does not exist; the problems when it no longer passes the checks.
    /// </summary>
    public async Task<(string? MessageId, IReadOnlyList<TemplateOverrideProblem> Problems)> SendTestAsync(string name, string language,
        string? version, string to, CancellationToken ct = default)
    {
        var address = EmailAddress.Normalize(to);
        var (preview, problems) = await PreviewAsync(name, language, version, address, ct);
        if (preview is null) return (null, problems);
        var recipient = DigestSamples.Recipient(preview.Language, address, links.Unsubscribe(DigestSamples.SampleId),
            links.Preferences(DigestSamples.SampleId)) with
        { SubscriberId = ids.Of(address) };
        // Unique per message, so two tests in one second are two files in the outbox.
        var runId = $"send-test-{time.GetUtcNow().ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture)}-" +
            Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        var id = await transport.SendAsync(new MailBatch(runId, "1", SendTestCategory, preview.Content, [recipient]), ct);
        LogTestSent(name, preview.Language, id);
        return (id, []);
    }

    private TemplateEntry Entry(string name, BlobItem? blob, TemplateOverridesReport report)
    {
        var status = report.Templates.FirstOrDefault(t => t.Name == name);
        return new TemplateEntry(name, builtin.Contains(name), blob is not null, blob is not null && (status?.InUse ?? true),
            blob?.Properties.ETag?.ToString(), blob is null ? null : TemplateHistory.SavedAt(blob.Metadata) ?? blob.Properties.LastModified,
            TemplateHistory.SavedBy(blob?.Metadata), blob is not null && status is { InUse: false } ? status.Problems : []);
    }

    /// <summary>The override blobs (not the reports, not the history), by name.</summary>
    private async Task<Dictionary<string, BlobItem>> OverrideBlobsAsync(CancellationToken ct)
    {
        var blobs = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        try
        {
            await foreach (var blob in storage.Templates.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, ct))
                if (!blob.Name.StartsWith(TemplateHistory.Prefix, StringComparison.Ordinal) && blob.Name.EndsWith(".sbn", StringComparison.Ordinal))
                    blobs[blob.Name] = blob;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container: no overrides.
        }
        return blobs;
    }

    private async Task<Dictionary<string, (string ETag, string Source)>> OverrideSourcesAsync(CancellationToken ct)
    {
        var sources = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        foreach (var (name, blob) in await OverrideBlobsAsync(ct))
            if (await DownloadAsync(name, ct) is { } text)
                sources[name] = (blob.Properties.ETag?.ToString() ?? "", text);
        return sources;
    }

    private async Task<string?> DownloadAsync(string name, CancellationToken ct)
    {
        try
        {
            return Normalize((await storage.Templates.GetBlobClient(name).DownloadContentAsync(ct)).Value.Content.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Without a byte-order mark, and with the browser's CRLF line ends as LF (so line numbers and the stored text agree).</summary>
    private static string Normalize(string text)
        => (text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text).Replace("\r\n", "\n", StringComparison.Ordinal);

    /// <summary>The same ETag, quoted (as response headers give it) or not (as blob listings give it).</summary>
    private static bool Same(ETag? current, string? expected)
        => current is { } etag ? etag.ToString().Trim('"') == expected?.Trim('"') : string.IsNullOrEmpty(expected);

    [LoggerMessage(Level = LogLevel.Information, Message = "Template override {Template} saved ({Bytes} bytes); the version it replaced is kept")]
    private partial void LogSaved(string template, int bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Template override {Template} rolled back to version {Version}")]
    private partial void LogRolledBack(string template, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Template override {Template} removed; the built-in template is used again")]
    private partial void LogRemoved(string template);

    [LoggerMessage(Level = LogLevel.Information, Message = "A test digest with template {Template} in {Language} was sent: {MessageId}")]
    private partial void LogTestSent(string template, string language, string messageId);
}
