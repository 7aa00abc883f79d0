using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Options;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Storage;
using Notifications.Subscribers;
using Notifications.Mail;
using Notifications.Pipeline;

namespace Notifications.Benchmarks;

/// <summary>One phase of the fan-out benchmark: how long it took, what SendGrid received, and the process's peak memory meanwhile.</summary>
public sealed record FanoutPhase(TimeSpan Wall, int Requests, long Recipients, long PeakWorkingSet)
{
    public double RecipientsPerSecond => Recipients / Wall.TotalSeconds;
}

/// <param name="ExpectedRequests">⌈recipients/1000⌉ per variant (language), summed: the fewest requests SendGrid's limit allows.</param>
/// <param name="Naive">The naive baseline's rendering and sending, on its sample; <see cref="NaiveExtrapolated"/> scales it to every subscriber.</param>
/// <param name="FloorRead">The part of the floor spent reading the subscribers, which the naive way has to do as well.</param>
public sealed record FanoutBenchmarkResult(
    int Subscribers, int Variants, int ExpectedRequests, FanoutPhase Pipeline, FanoutPhase Floor, FanoutPhase Naive, int NaiveSample, TimeSpan FloorRead)
{
    /// <summary>Reading every subscriber (as the floor did) plus one rendering and one request per subscriber (as measured on the sample).</summary>
    public TimeSpan NaiveExtrapolated => FloorRead + Naive.Wall * ((double)Subscribers / NaiveSample);
    /// <summary>How much longer the pipeline takes than reading the subscribers and posting ready payloads (1.0 = no overhead).</summary>
    public double PipelineOverFloor => Pipeline.Wall.TotalSeconds / Floor.Wall.TotalSeconds;
    /// <summary>How many times faster the pipeline is than one rendering and one request per recipient.</summary>
    public double NaiveOverPipeline => NaiveExtrapolated.TotalSeconds / Pipeline.Wall.TotalSeconds;
    /// <summary>
    /// The same beyond reading the subscribers, which both must do (on Azurite, reading dominates at large N); null when the pipeline
    /// took no longer than reading alone did in the floor (the difference is then noise).
    /// </summary>
    public double? NaiveOverPipelineBeyondReading => Pipeline.Wall - FloorRead is { TotalSeconds: > 0.05 } beyond
        ? (NaiveExtrapolated - FloorRead).TotalSeconds / beyond.TotalSeconds
        : null;
}

/// <summary>
/// <c>notify bench fanout</c>: N active daily subscribers (English, Russian, French: three variants) and three new articles on
/// storage of its own, and a SendGrid-compatible endpoint that answers 202 (<see cref="SendGridSink"/>). It measures, in one process
/// and one run:
/// <list type="bullet">
/// <item><b>pipeline</b>: the run started by hand (<see cref="DigestRunner.RunAsync"/>), planning and sending every batch, as
/// <c>notify digest run</c> does;</item>
/// <item><b>floor</b>: what no fan-out can avoid: reading the same subscribers, and posting as many ready-made payloads of the same
/// size, with no planning, rendering or ledger;</item>
/// <item><b>naive</b>: one rendering and one request per recipient (what per-message output-binding samples do), on a sample,
/// extrapolated.</item>
/// </list>
/// All three send one request at a time, as the inline run does; in Azure the SendBatch function sends batches in parallel.
/// </summary>
public sealed class FanoutBenchmark(
    StorageResources storage,
    SubscriberStore subscribers,
    ArticlePublisher publisher,
    ArticleIngestor ingestor,
    DigestRunner runner,
    DigestRenderer renderer,
    IMailTransport transport,
    SendGridMessageBuilder builder,
    SubscriptionLinks links,
    IHttpClientFactory httpClients,
    IOptions<SendGridOptions> sendGrid,
    TimeProvider time)
{
    private static readonly string[] Languages = ["en", "ru", "fr"];

    /// <param name="rounds">
    /// Floor and pipeline alternate this many times, each reporting its best round (noise on a shared machine only slows). Every
    /// pipeline round is a day's run with three new articles: the first is a first run (no watermarks yet), later ones the steady state.
    /// </param>
    public async Task<FanoutBenchmarkResult> RunAsync(SendGridSink sink, int subscriberCount, int naiveSample, int rounds = 2,
        Action<string>? progress = null, CancellationToken ct = default)
    {
        await storage.EnsureCreatedAsync();
        var now = time.GetUtcNow();
        progress?.Invoke($"Seeding {subscriberCount:N0} subscribers...");
        await SeedAsync(subscriberCount, now, ct);
        var articles = await PublishArticlesAsync(0, null, ct);
        var start = time.GetUtcNow();
        var at = start.AddSeconds(1);
        var perLanguage = Enumerable.Range(0, subscriberCount).GroupBy(i => Languages[i % Languages.Length]).ToDictionary(g => g.Key, g => g.Count());
        var expected = perLanguage.Values.Sum(n => (n + 999) / 1000);

        // Warm up the HTTP path and JIT outside the measurements.
        var warmContent = renderer.Render(DigestPeriod.For(DigestFrequency.Daily, at), articles, "en");
        await transport.SendAsync(new MailBatch("warmup", "w0", "daily", warmContent, [new Recipient("0", "warmup@bench.example", "Warm Up")]), ct);

        FanoutPhase? floor = null, pipeline = null;
        var floorRead = TimeSpan.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            if (round > 0)
            {
                // Another day's run, with that day's articles (dated an hour before it, so they fall in its window and no other).
                await PublishArticlesAsync(round, start.AddDays(round).AddHours(-1), ct);
                at = start.AddDays(round).AddSeconds(1);
            }
            progress?.Invoke($"Round {round + 1} of {rounds}: floor (reading the subscribers, posting ready-made payloads)...");
            var (f, read) = await FloorAsync(sink, perLanguage, warmContent, ct);
            floor = Best(floor, f);
            floorRead = read < floorRead ? read : floorRead;

            progress?.Invoke($"Round {round + 1} of {rounds}: pipeline (the day's run, planned and sent)...");
            sink.Reset();
            PeakMemory.Reset();
            var watch = Stopwatch.StartNew();
            var run = await runner.RunAsync(DigestFrequency.Daily, at, ct);
            pipeline = Best(pipeline, new FanoutPhase(watch.Elapsed, sink.Requests, sink.Recipients, PeakMemory.Read()));
            if (run.RecipientsSentNow != subscriberCount || run.Articles != 3)
                throw new InvalidOperationException($"The run sent {run.RecipientsSentNow} of {subscriberCount} recipients ({run.Status}, " +
                    $"{run.Articles} articles, {run.PlannedRecipients} planned, window {run.WindowStart:o} to {run.WindowEnd:o}); the benchmark is void.");
        }

        progress?.Invoke($"Naive: one rendering and one request per recipient, on {Math.Min(naiveSample, subscriberCount):N0} of them...");
        var naive = await NaiveAsync(sink, Math.Min(naiveSample, subscriberCount), articles, at, ct);

        return new FanoutBenchmarkResult(subscriberCount, perLanguage.Count, expected, pipeline!, floor!, naive,
            Math.Min(naiveSample, subscriberCount), floorRead);
    }

    /// <summary>The faster round; the peak memory of the worst.</summary>
    private static FanoutPhase Best(FanoutPhase? best, FanoutPhase round)
        => best is null ? round : (round.Wall < best.Wall ? round : best) with { PeakWorkingSet = Math.Max(best.PeakWorkingSet, round.PeakWorkingSet) };

    private async Task<List<IndexedArticle>> PublishArticlesAsync(int round, DateTimeOffset? published, CancellationToken ct)
    {
        var articles = new List<IndexedArticle>();
        foreach (var (name, text) in SampleArticles(round, published))
        {
            await publisher.PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(text)), ct);
            var ingested = await ingestor.IngestAsync(name, ct);
            articles.Add(ingested is { Outcome: IngestOutcome.Accepted, Article: { } article }
                ? article
                : throw new InvalidOperationException(
                    $"The benchmark's article {name} was not accepted ({ingested.Outcome}: {ingested.Article?.Rejection?.Message})."));
        }
        return articles;
    }

    /// <summary>Reads every active daily subscriber page by page and posts a ready-made payload for each 1000 of a language.</summary>
    private async Task<(FanoutPhase Floor, TimeSpan Reading)> FloorAsync(SendGridSink sink, IReadOnlyDictionary<string, int> perLanguage,
        MailContent content, CancellationToken ct)
    {
        // Built before the clock starts: 1000 recipients of the same shape as the real ones.
        var body = builder.Build(new MailBatch("daily-floor", "b00000", "daily", content, Enumerable.Range(0, 1000)
            .Select(i => Recipient(Subscriber(i, time.GetUtcNow()))).ToList())).Serialize();
        var client = httpClients.CreateClient(SendGridTransport.HttpClientName);
        var url = sendGrid.Value.Host.TrimEnd('/') + "/v3/mail/send";

        sink.Reset();
        PeakMemory.Reset();
        var watch = Stopwatch.StartNew();
        var pending = Languages.ToDictionary(l => l, _ => 0);
        var posting = TimeSpan.Zero;
        string? continuation = null;
        do
        {
            var (page, next) = await subscribers.QueryAsync(
                new SubscriberFilter(Status: SubscriberStatus.Active, Frequency: DigestFrequency.Daily), continuation, 1000, ct);
            foreach (var s in page)
                if (++pending[s.Language] == 1000)
                {
                    var post = Stopwatch.StartNew();
                    await PostAsync(client, url, body, ct);
                    posting += post.Elapsed;
                    pending[s.Language] = 0;
                }
            continuation = next;
        }
        while (continuation is not null);
        foreach (var left in pending.Values.Where(n => n > 0))
            await PostAsync(client, url, body, ct);
        var wall = watch.Elapsed;
        return (new FanoutPhase(wall, sink.Requests, perLanguage.Values.Sum(), PeakMemory.Read()), wall - posting);
    }

    private async Task PostAsync(HttpClient client, string url, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", sendGrid.Value.ApiKey);
        using var response = await client.SendAsync(request, ct);
        if ((int)response.StatusCode != 202)
            throw new InvalidOperationException($"The sink answered {(int)response.StatusCode} to the floor's request.");
    }

    /// <summary>One rendering and one SendGrid request per recipient, for the first <paramref name="sample"/> subscribers.</summary>
    private async Task<FanoutPhase> NaiveAsync(SendGridSink sink, int sample, IReadOnlyList<IndexedArticle> articles, DateTimeOffset at, CancellationToken ct)
    {
        var people = new List<Subscriber>();
        string? continuation = null;
        while (people.Count < sample)
        {
            var (page, next) = await subscribers.QueryAsync(new SubscriberFilter(Status: SubscriberStatus.Active), continuation, 1000, ct);
            people.AddRange(page.Take(sample - people.Count));
            if ((continuation = next) is null) break;
        }

        sink.Reset();
        PeakMemory.Reset();
        var period = DigestPeriod.For(DigestFrequency.Daily, at);
        var watch = Stopwatch.StartNew();
        foreach (var (s, i) in people.Select((s, i) => (s, i)))
        {
            var content = renderer.Render(period, articles, s.Language, links.ViewDigest("naive", s.Language));
            await transport.SendAsync(new MailBatch("naive", $"n{i:D6}", "daily", content, [Recipient(s)]), ct);
        }
        return new FanoutPhase(watch.Elapsed, sink.Requests, sink.Recipients, PeakMemory.Read());
    }

    private Recipient Recipient(Subscriber s) => new(s.Id, s.Email, s.Name, links.Unsubscribe(s.Id), links.Preferences(s.Id));

    /// <summary>Writes the subscribers a thousand at a time (8 thousands at once), never holding them all.</summary>
    private async Task SeedAsync(int count, DateTimeOffset now, CancellationToken ct)
        => await Parallel.ForEachAsync(Enumerable.Range(0, (count + 999) / 1000), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (chunk, token) => await subscribers.WriteManyAsync(
                Enumerable.Range(chunk * 1000, Math.Min(1000, count - chunk * 1000)).Select(i => Subscriber(i, now.AddDays(-30))).ToList(), token));

    private Subscriber Subscriber(int i, DateTimeOffset created)
    {
        var email = $"official{i:D7}@customs{i % 181:D3}.example";
        return new Subscriber(subscribers.IdOf(email), email, $"Official {i}", $"Customs Administration {i % 181}", Languages[i % Languages.Length],
            DigestFrequency.Daily, SubscriberStatus.Active, created, created, TimeZone: "Europe/Brussels");
    }

    private static IEnumerable<(string Name, string Text)> SampleArticles(int round, DateTimeOffset? published)
    {
        var date = published is { } p ? $"published: {p.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\n" : "";
        for (var i = 1 + round * 3; i <= 3 + round * 3; i++)
            yield return ($"bench/article-{i}.md",
                $"---\ntitle: Outcomes of the {240 + i}th session of the Permanent Technical Committee\n{date}topics: [e-commerce, data model]\n" +
                $"summary: Delegates agreed the next steps on item {i} and endorsed the data model release.\n---\n" +
                string.Concat(Enumerable.Repeat($"The {240 + i}th session of the Permanent Technical Committee was held in Brussels. ", 20)));
    }
}
