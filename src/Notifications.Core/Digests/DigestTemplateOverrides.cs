using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Mail;
using Notifications.Storage;
using Notifications.Templates;
using Scriban;
using Notifications.Subscribers;

namespace Notifications.Digests;

/// <summary>One problem with an override: where it was found (name, parse, render or content), and where in which template.</summary>
public sealed record TemplateOverrideProblem(string Stage, string Message, string? Template = null, int? Line = null, int? Column = null,
    string? Language = null);

/// <summary>What became of one uploaded override.</summary>
/// <param name="InUse">True: the override is what digests use now. False: it was rejected; the built-in template (if there is one
/// of that name) is used.</param>
public sealed record TemplateOverrideStatus(string Name, string ETag, bool InUse, IReadOnlyList<TemplateOverrideProblem> Problems)
{
    public string ReportName => Name + DigestTemplateOverrides.ReportSuffix;
}

/// <summary>The outcome of one check of the templates container.</summary>
public sealed record TemplateOverridesReport(DateTimeOffset CheckedAt, IReadOnlyList<TemplateOverrideStatus> Templates)
{
    public IEnumerable<TemplateOverrideStatus> InUse => Templates.Where(t => t.InUse);
    public IEnumerable<TemplateOverrideStatus> Rejected => Templates.Where(t => !t.InUse);
}

/// <summary>
/// Admins' overrides of the digest templates, uploaded to the <c>templates</c> container (<c>Storage:TemplatesContainer</c>)
/// under a digest template's name: <c>digest.html.sbn</c>, <c>digest.txt.sbn</c>, <c>digest.subject.sbn</c>, a partial such as
/// <c>digest-article.html.sbn</c>, or a new partial (<c>digest-*.html.sbn</c> / <c>digest-*.txt.sbn</c>) that an override includes.
/// <para>
/// Nothing is used before it is checked: it must parse, and the whole digest (subject, HTML, text) must render with it in
/// English, Russian and French, from sample articles with session metadata, once with every optional part present and once
/// with none (so a misspelt variable in either branch fails here, not in a subscriber's digest), and still carry the
/// unsubscribe link. An override that fails is rejected: <c>&lt;name&gt;.rejected.json</c> is written next to it with
/// each problem (stage, template, line, column, language), and the built-in template stays in use. A later upload that
/// passes is used, and its old report is deleted; deleting an override brings the built-in back.
/// </para>
/// <para>
/// When: <see cref="DigestTemplateRefresher"/> checks at start and then every <c>Digest:TemplateRefresh</c> (default 5
/// minutes); <see cref="RefreshAsync"/> checks at once (<c>notify digest preview</c> and <c>send-test</c> call it). Unchanged
/// blobs (same ETags) are not checked again. Rendering never waits for storage: it uses the set of the last check.
/// </para>
/// </summary>
public sealed partial class DigestTemplateOverrides : ITemplateSource
{
    public const string ReportSuffix = ".rejected.json";
    public const int MaxTemplateBytes = 256 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly StorageResources _storage;
    private readonly TemplateSet _builtin;
    private readonly IOptions<DigestOptions> _options;
    private readonly IOptions<SenderOptions> _sender;
    private readonly TimeProvider _time;
    private readonly ILogger<DigestTemplateOverrides> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile TemplateSet _current;
    private Dictionary<string, string> _lastETags = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _reportsWritten = new(StringComparer.Ordinal);

    public DigestTemplateOverrides(StorageResources storage, TemplateSet builtin, IOptions<DigestOptions> options, IOptions<SenderOptions> sender,
        TimeProvider time, ILogger<DigestTemplateOverrides> logger)
    {
        _storage = storage;
        _builtin = builtin;
        _options = options;
        _sender = sender;
        _time = time;
        _logger = logger;
        _current = builtin;
    }

    /// <summary>The templates digests use now: the built-in ones with every accepted override in place.</summary>
    public TemplateSet Templates => _current;

    /// <summary>The last check's outcome; null before the first.</summary>
    public TemplateOverridesReport? LastReport { get; private set; }

    /// <summary>True for a name an override may have: <c>digest.html.sbn</c>, <c>digest-article.txt.sbn</c>, ...</summary>
    public static bool IsDigestTemplateName(string name) => DigestTemplateName().IsMatch(name);

    [GeneratedRegex(@"^digest(-[a-z0-9]+)*\.(html|txt|subject)\.sbn$")]
    private static partial Regex DigestTemplateName();

    /// <summary>Checks the container when the last check is older than <c>Digest:TemplateRefresh</c> (or there was none).</summary>
    public async Task RefreshIfDueAsync(CancellationToken ct = default)
    {
        var every = _options.Value.TemplateRefresh;
        if (LastReport is { } last && (every <= TimeSpan.Zero || _time.GetUtcNow() - last.CheckedAt < every)) return;
        await RefreshAsync(ct);
    }

    /// <summary>Reads the templates container, checks what changed since the last time, and switches to the result.</summary>
    public async Task<TemplateOverridesReport> RefreshAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var (templates, reports) = await ListAsync(ct);
            var etags = templates.ToDictionary(t => t.Name, t => t.ETag.ToString(), StringComparer.Ordinal);
            if (LastReport is { } last && SameBlobs(etags, _lastETags))
            {
                LastReport = last with { CheckedAt = _time.GetUtcNow() };
                return LastReport;
            }

            var sources = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in templates)
                sources[t.Name] = await DownloadAsync(t.Name, ct);
            var (set, statuses) = Check(templates.ToDictionary(t => t.Name, t => (t.ETag.ToString(), sources[t.Name]), StringComparer.Ordinal));

            await WriteReportsAsync(statuses, reports, ct);
            _current = set;
            _lastETags = etags;
            LastReport = new TemplateOverridesReport(_time.GetUtcNow(), statuses);
            foreach (var s in statuses)
            {
                if (s.InUse)
                    _logger.LogInformation("Template override {Template} is in use", s.Name);
                else
                    _logger.LogWarning(
                        "Template override {Template} was rejected ({Problem}); the built-in template stays in use. See {Report} in the templates container",
                        s.Name, s.Problems.FirstOrDefault()?.Message, s.ReportName);
            }
            return LastReport;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Checks overrides against the built-in set, without storage: parse each, then render the digest with all that parsed;
    /// a failure is put on the override it happened in (or the overridden entry template that was rendering), which is
    /// rejected, and the rest are rendered again, until what is left renders.
    /// </summary>
    public (TemplateSet Set, IReadOnlyList<TemplateOverrideStatus> Statuses) Check(IReadOnlyDictionary<string, (string ETag, string Source)> overrides)
    {
        var problems = overrides.Keys.ToDictionary(n => n, _ => new List<TemplateOverrideProblem>(), StringComparer.Ordinal);
        var parsed = new Dictionary<string, (Template Template, string Source)>(StringComparer.Ordinal);
        foreach (var (name, (_, source)) in overrides.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            if (!IsDigestTemplateName(name))
            {
                var partials = _builtin.Names
                    .Where(n => IsDigestTemplateName(n) && n.Count(c => c == '.') == 2 && n.StartsWith("digest-", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal);
                problems[name].Add(new TemplateOverrideProblem("name",
                    $"'{name}' is not a digest template name. Overrides replace digest.html.sbn, digest.txt.sbn, digest.subject.sbn or a digest partial " +
                    $"({string.Join(", ", partials)}), " +
                    "or add a partial named digest-<name>.html.sbn or digest-<name>.txt.sbn.", name));
                continue;
            }
            if (Encoding.UTF8.GetByteCount(source) > MaxTemplateBytes)
            {
                problems[name].Add(new TemplateOverrideProblem("name", $"'{name}' is larger than {MaxTemplateBytes / 1024} KiB.", name));
                continue;
            }
            var (template, errors) = TemplateSet.Parse(name, source);
            if (template is null)
                problems[name].AddRange(errors.Select(e => new TemplateOverrideProblem("parse", e.Message, name, e.Line, e.Column)));
            else
                parsed[name] = (template, source);
        }

        // Render with everything that parsed; put each failure on an override and try again without it.
        while (parsed.Count > 0)
        {
            var set = _builtin.WithOverrides(parsed);
            var failure = TestRender(set);
            if (failure is null) break;
            var blamed = failure.Template is { } t && parsed.ContainsKey(t) ? [t]
                : failure.Entry is { } entry && parsed.ContainsKey(entry) ? [entry]
                : parsed.Keys.ToList();
            foreach (var name in blamed)
            {
                problems[name].Add(failure.Problem);
                parsed.Remove(name);
            }
        }

        var statuses = overrides.OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => new TemplateOverrideStatus(o.Key, o.Value.ETag, parsed.ContainsKey(o.Key), problems[o.Key]))
            .ToList();
        return (_builtin.WithOverrides(parsed), statuses);
    }

    private sealed record RenderFailure(string? Template, string? Entry, TemplateOverrideProblem Problem);

    /// <summary>The digest in every language, with all optional parts and with none, and a correction alert; the first failure, or null.</summary>
    private RenderFailure? TestRender(TemplateSet set)
    {
        var o = _sender.Value;
        var full = new DigestRenderer(set, Options.Create(new SenderOptions
        {
            Sender = o.Sender, Organization = o.Organization, Footer = o.Footer is { Length: > 0 } f ? f : "Sample footer line.", Languages = o.Languages,
        }));
        var sparse = new DigestRenderer(set, Options.Create(new SenderOptions { Sender = o.Sender, Organization = o.Organization, Footer = "" }));
        var day = DigestPeriod.For(DigestFrequency.Daily, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        var week = DigestPeriod.For(DigestFrequency.Weekly, new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero));
        var alert = DigestPeriod.Alert("sample", new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero), correctedVersion: "sample");
        foreach (var language in DigestLocale.Languages)
        {
            var articles = DigestSamples.For(language);
            var bare = articles[0] with { Url = null, Published = null, Topics = [], Session = null, Language = language };
            var cases = new (DigestRenderer Renderer, DigestPeriod Period, IReadOnlyList<IndexedArticle> Articles, string? ViewUrl, bool Correction)[]
            {
                (full, day, articles, $"https://notify.example/api/digests/{day.RunId}/{language}", false),
                (sparse, week, [bare], null, false),
                (full, alert, [articles[0]], null, true),
            };
            foreach (var (renderer, period, list, viewUrl, correction) in cases)
            {
                try
                {
                    var content = renderer.Render(set, period, list, language, viewUrl, correction);
                    if (content.Subject.Length == 0)
                        return new RenderFailure(null, DigestRenderer.SubjectTemplate,
                            new TemplateOverrideProblem("content", "The subject is empty.", DigestRenderer.SubjectTemplate, Language: language));
                    foreach (var (part, name) in new[] { (content.Html, DigestRenderer.HtmlTemplate), (content.Text, DigestRenderer.TextTemplate) })
                        if (content.Placeholders is not { } keys || !part.Contains(keys.UnsubscribeUrl, StringComparison.Ordinal))
                            return new RenderFailure(null, name, new TemplateOverrideProblem("content",
                                "The digest has no unsubscribe link: keep {{ recipient.unsubscribe_url }} in the footer.", name, Language: language));
                }
                catch (TemplateException e)
                {
                    return new RenderFailure(e.TemplateName, EntryOf(e.Message),
                        new TemplateOverrideProblem("render", e.Message, e.TemplateName, e.Line, e.Column, language));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return new RenderFailure(null, null, new TemplateOverrideProblem("render", e.Message, Language: language));
                }
            }
        }
        return null;
    }

    /// <summary>"Template 'digest.html.sbn' failed to render: ..." → digest.html.sbn.</summary>
    private static string? EntryOf(string message)
    {
        const string prefix = "Template '";
        if (!message.StartsWith(prefix, StringComparison.Ordinal)) return null;
        var end = message.IndexOf('\'', prefix.Length);
        return end > prefix.Length ? message[prefix.Length..end] : null;
    }

    private async Task<(List<(string Name, ETag ETag)> Templates, HashSet<string> Reports)> ListAsync(CancellationToken ct)
    {
        var templates = new List<(string, ETag)>();
        var reports = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var blob in _storage.Templates.GetBlobsAsync(new GetBlobsOptions(), ct))
            {
                if (blob.Name.StartsWith(TemplateHistory.Prefix, StringComparison.Ordinal))
                    continue; // earlier versions (TemplateHistory), never overrides
                if (blob.Name.EndsWith(ReportSuffix, StringComparison.Ordinal))
                    reports.Add(blob.Name);
                else if (blob.Name.EndsWith(".sbn", StringComparison.Ordinal))
                    templates.Add((blob.Name, blob.Properties.ETag ?? default));
                else
                    _logger.LogDebug("Templates container: {Blob} is not a template (*.sbn); ignored", blob.Name);
            }
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No container: no overrides.
        }
        return (templates, reports);
    }

    private async Task<string> DownloadAsync(string name, CancellationToken ct)
    {
        var content = await _storage.Templates.GetBlobClient(name).DownloadContentAsync(ct);
        var text = content.Value.Content.ToString();
        return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
    }

    /// <summary>A report next to each rejected override (once per upload); stale reports of accepted or deleted overrides go.</summary>
    private async Task WriteReportsAsync(IReadOnlyList<TemplateOverrideStatus> statuses, HashSet<string> existingReports, CancellationToken ct)
    {
        foreach (var s in statuses.Where(s => !s.InUse))
        {
            if (existingReports.Contains(s.ReportName) && _reportsWritten.TryGetValue(s.ReportName, out var etag) && etag == s.ETag) continue;
            var report = new
            {
                template = s.Name,
                etag = s.ETag,
                checkedAt = _time.GetUtcNow(),
                status = "rejected",
                inUse = _builtin.Contains(s.Name) ? $"the built-in {s.Name}" : "none: the digest templates do not use it",
                problems = s.Problems.Select(p =>
                    new { stage = p.Stage, template = p.Template, line = p.Line, column = p.Column, language = p.Language, message = p.Message }),
                hint = "Fix the template and upload it again under the same name. It is checked again within " +
                       $"{(_options.Value.TemplateRefresh > TimeSpan.Zero ? _options.Value.TemplateRefresh.TotalMinutes + " minutes" : "the next start")} " +
                       "(`notify digest preview` checks at once); until it passes, the built-in template is used.",
            };
            await _storage.Templates.GetBlobClient(s.ReportName).UploadAsync(
                BinaryData.FromString(JsonSerializer.Serialize(report, Json)),
                new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json; charset=utf-8" } }, ct);
            _reportsWritten[s.ReportName] = s.ETag;
        }
        var rejected = statuses.Where(s => !s.InUse).Select(s => s.ReportName).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in existingReports.Where(r => !rejected.Contains(r)))
        {
            await _storage.Templates.GetBlobClient(stale).DeleteIfExistsAsync(cancellationToken: ct);
            _reportsWritten.Remove(stale);
        }
    }

    private static bool SameBlobs(Dictionary<string, string> a, Dictionary<string, string> b)
        => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);
}

/// <summary>
/// Loads the template overrides when the host starts (a failure is logged and the built-in templates are used), then
/// checks again every <c>Digest:TemplateRefresh</c> until the host stops.
/// </summary>
public sealed class DigestTemplateRefresher(DigestTemplateOverrides overrides, IOptions<DigestOptions> options, TimeProvider time,
    ILogger<DigestTemplateRefresher> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>How long the start waits for the first check before going on with what it has.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        using (var first = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            first.CancelAfter(StartTimeout);
            await RefreshAsync(first.Token);
        }
        var every = options.Value.TemplateRefresh;
        if (every > TimeSpan.Zero)
            _loop = LoopAsync(every, _stop.Token);
    }

    private async Task LoopAsync(TimeSpan every, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(every, time);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
                await RefreshAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        try
        {
            await overrides.RefreshAsync(ct);
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            logger.LogWarning("Template overrides could not be checked ({Error}); digests use {Templates}", e.Message,
                overrides.LastReport is null ? "the built-in templates" : "the templates of the last check");
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        if (_loop is not null)
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public ValueTask DisposeAsync()
    {
        _stop.Dispose();
        return ValueTask.CompletedTask;
    }
}
