using System.Text.Json;
using Notifications.Articles;
using Notifications.Testing;

namespace Notifications.Core.Tests.Articles;

/// <summary>
/// The article corpus (tests/Notifications.Core.Tests/Corpus): good and hostile files as editors really produce them, each with
/// its expected outcome in expected.json, run through the real ingestion on Azurite, in order, then delivered twice more.
/// </summary>
public sealed class ArticleCorpusTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 7, 0, 0, TimeSpan.Zero);
    private static readonly string Folder = Path.Combine(Repository.Root, "tests", "Notifications.Core.Tests", "Corpus");
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static CorpusRun? _run;

    public static TheoryData<string> Files() => new(Expected().Select(e => e.Key));

    [Theory]
    [MemberData(nameof(Files))]
    public async Task CorpusFileHasItsExpectedOutcome(string file)
    {
        var run = await RunAsync();
        var expected = Expected().Single(e => e.Key == file).Value;
        var result = run.Results[file];
        var a = result.Article;
        Assert.NotNull(a);

        Assert.Equal(expected.GetProperty("status").GetString(), StatusOf(a));
        Check(expected, "format", e => Assert.Equal(e.GetString(), a.Format.ToString().ToLowerInvariant()));
        Check(expected, "title", e => Assert.Equal(e.GetString(), a.Title));
        Check(expected, "titleShorterThan", e => Assert.True(a.Title.Length < e.GetInt32(), $"{a.Title.Length} characters: {a.Title}"));
        Check(expected, "summaryStartsWith", e => Assert.StartsWith(e.GetString()!, a.Summary, StringComparison.Ordinal));
        Check(expected, "topicsAtMost", e => Assert.True(a.Topics.Count <= e.GetInt32(), string.Join(", ", a.Topics)));
        Check(expected, "notNews", e => Assert.Equal(e.GetBoolean(), a.NotNews));
        Check(expected, "language", e => Assert.Equal(e.GetString(), a.Language));
        Check(expected, "topics", e => Assert.Equal(e.EnumerateArray().Select(t => t.GetString()).Order(), a.Topics.Order()));
        Check(expected, "topicsInclude", e => Assert.Superset(e.EnumerateArray().Select(t => t.GetString()!).ToHashSet(), a.Topics.ToHashSet()));
        Check(expected, "editor", e => Assert.Equal(e.GetString(), a.Editor));
        Check(expected, "translationKey", e => Assert.Equal(e.GetString(), a.TranslationKey));
        Check(expected, "duplicateOf", e => Assert.Equal(e.GetString(), a.DuplicateOf));
        Check(expected, "availableAt", e => Assert.Equal(DateTimeOffset.Parse(e.GetString()!), a.AvailableAt));
        Check(expected, "code", e => Assert.Equal(e.GetString(), a.Rejection?.Code));
        Check(expected, "line", e => Assert.Equal(e.GetInt32(), a.Rejection?.Line));
        Check(expected, "messageIncludes", e => Assert.Contains(e.GetString()!, a.Rejection?.Message));
        Check(expected, "session", e => CheckSession(e, a.SessionOrNone));
        Check(expected, "bodyIncludes", e => Assert.All(e.EnumerateArray(), s => Assert.Contains(s.GetString()!, run.Bodies[file])));
        Check(expected, "bodyExcludes", e => Assert.All(e.EnumerateArray(),
            s => Assert.DoesNotContain(s.GetString()!, run.Bodies[file], StringComparison.OrdinalIgnoreCase)));

        // Whatever the file, no line break survives into a title or summary (it would become a mail header).
        Assert.DoesNotContain(a.Title, c => c is '\r' or '\n');
        Assert.DoesNotContain(a.Summary, c => c is '\r' or '\n');
        if (a.Status == ArticleStatus.Rejected)
        {
            Assert.True(run.Reports.Contains(file), $"{file} has no report in articles-rejected.");
            Assert.False(string.IsNullOrWhiteSpace(a.Rejection!.Hint));
        }
    }

    [Fact]
    public async Task RedeliveredEventsChangeNothingAndReportEachRejectionOnce()
    {
        var run = await RunAsync();
        var rejected = run.Results.Values.Count(r => r.Outcome == IngestOutcome.Rejected);

        Assert.All(run.Redelivered, r => Assert.Equal(IngestOutcome.Unchanged, r.Outcome));
        Assert.Equal(Expected().Count(), run.IndexedCount);
        Assert.Equal(rejected, run.Notices.Count);
        Assert.Equal(rejected, run.Reports.Count);
        Assert.All(run.Notices, n => Assert.Equal(("Editor", "editors@secretariat.example"), n.Recipient()));
    }

    [Fact]
    public async Task RejectedFilesStayWhereTheyWere()
    {
        var run = await RunAsync();
        Assert.Equal(Expected().Count(), run.BlobsLeft);
    }

    private static void CheckSession(JsonElement expected, SessionInfo s)
    {
        foreach (var p in expected.EnumerateObject())
        {
            object? actual = p.Name switch
            {
                "organization" => s.Organization,
                "organizationAbbreviation" => s.OrganizationAbbreviation,
                "committee" => s.Committee,
                "committeeAbbreviation" => s.CommitteeAbbreviation,
                "sessions" => string.Join(",", s.Sessions),
                "startDate" => s.StartDate?.ToString("yyyy-MM-dd"),
                "endDate" => s.EndDate?.ToString("yyyy-MM-dd"),
                "place" => s.Place,
                "participation" => JsonNamingPolicy.CamelCase.ConvertName(s.Participation.ToString()),
                _ => throw new InvalidOperationException($"expected.json names an unknown session field '{p.Name}'."),
            };
            var want = p.Value.ValueKind == JsonValueKind.Array ? string.Join(",", p.Value.EnumerateArray().Select(v => v.GetInt32())) : p.Value.GetString();
            Assert.True(want == (string?)actual, $"session.{p.Name}: expected '{want}', got '{actual}'.");
        }
    }

    private static void Check(JsonElement expected, string name, Action<JsonElement> assert)
    {
        if (expected.TryGetProperty(name, out var value)) assert(value);
    }

    private static string StatusOf(IndexedArticle a)
        => a.Status == ArticleStatus.Accepted && a.AvailableAt > Now ? "held" : a.Status.ToString().ToLowerInvariant();

    private static IEnumerable<KeyValuePair<string, JsonElement>> Expected()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")));
        return document.RootElement.EnumerateObject().Where(p => !p.Name.StartsWith('_')).Select(p => KeyValuePair.Create(p.Name, p.Value.Clone())).ToList();
    }

    private static byte[] ContentOf(string file)
        => file == "oversized.md"
            ? [.. "---\ntitle: Too big\n---\n"u8, .. Enumerable.Repeat((byte)'x', 1024 * 1024)]
            : File.ReadAllBytes(Path.Combine(Folder, file));

    private async Task<CorpusRun> RunAsync()
    {
        await Gate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            return _run ??= await CorpusRun.IngestAsync(azurite);
        }
        finally
        {
            Gate.Release();
        }
    }

    private sealed record CorpusRun(
        Dictionary<string, IngestResult> Results, Dictionary<string, string> Bodies, IReadOnlyList<IngestResult> Redelivered,
        int IndexedCount, int BlobsLeft, HashSet<string> Reports, IReadOnlyList<MimeKit.MimeMessage> Notices)
    {
        public static async Task<CorpusRun> IngestAsync(AzuriteFixture azurite)
        {
            var outbox = Path.Combine(Path.GetTempPath(), "corpus-tests", Guid.NewGuid().ToString("N"));
            var settings = TestSettings.For(azurite, outbox);
            settings["Articles:EditorsEmail"] = "editors@secretariat.example";
            await using var host = await TestHost.StartAsync(settings, Now);
            var publisher = host.Get<ArticlePublisher>();
            var ingestor = host.Get<ArticleIngestor>();
            var parser = host.Get<ArticleParser>();

            var results = new Dictionary<string, IngestResult>();
            var bodies = new Dictionary<string, string>();
            foreach (var (file, _) in Expected())
            {
                var content = ContentOf(file);
                await publisher.PublishAsync(file, new MemoryStream(content));
                results[file] = await ingestor.IngestAsync(file);
                if (results[file].Outcome != IngestOutcome.Rejected)
                    bodies[file] = parser.Parse(file, content).BodyHtml;
            }
            // Event Grid delivers at least once: the same events twice more, concurrently.
            var redelivered = await Task.WhenAll(Expected().SelectMany(e => new[] { e.Key, e.Key }).Select(f => ingestor.IngestAsync(f)));

            var storage = host.Get<Notifications.Storage.StorageResources>();
            var reports = new HashSet<string>();
            await foreach (var blob in storage.RejectedArticles.GetBlobsAsync())
                reports.Add(blob.Name[..^".rejected.json".Length]);
            var blobsLeft = 0;
            await foreach (var _ in storage.Articles.GetBlobsAsync()) blobsLeft++;
            var notices = OutboxMail.ReadAll(outbox);
            var indexed = (await host.Get<ArticleIndex>().ListAsync()).Count;
            return new CorpusRun(results, bodies, redelivered, indexed, blobsLeft, reports, notices);
        }
    }
}
