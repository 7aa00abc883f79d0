using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Notifications.Articles;
using Notifications.Digests;
using Notifications.Subscribers;
using Notifications.Telemetry;
using Notifications.Testing;
using Notifications.Pipeline;

namespace Notifications.Core.Tests.Telemetry;

/// <summary>
/// The pipeline's metrics and activities around real runs on Azurite and the strict SendGrid fake. Collectors listen to the test host's
/// own meter factory, so runs of other tests in parallel do not count here.
/// </summary>
public sealed class PipelineMetricsTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Morning = new(2026, 11, 26, 6, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Settings(AzuriteFixture azurite, FakeSendGrid sendGrid)
    {
        var settings = TestSettings.For(azurite).WithSendGrid(sendGrid);
        settings["Delivery:BatchSize"] = "2";
        settings["Delivery:RetryBaseDelay"] = "00:00:00.010";
        settings["Delivery:RequestsPerSecond"] = "0";
        return settings;
    }

    private sealed class Collectors(TestHost host) : IDisposable
    {
        public MetricCollector<long> Ingested { get; } = new(host.Get<IMeterFactory>(), PipelineTelemetry.Name, PipelineTelemetry.ArticlesIngestedName);
        public MetricCollector<long> Rejected { get; } = new(host.Get<IMeterFactory>(), PipelineTelemetry.Name, PipelineTelemetry.ArticlesRejectedName);
        public MetricCollector<long> Runs { get; } = new(host.Get<IMeterFactory>(), PipelineTelemetry.Name, PipelineTelemetry.RunsPlannedName);
        public MetricCollector<long> Batches { get; } = new(host.Get<IMeterFactory>(), PipelineTelemetry.Name, PipelineTelemetry.BatchesName);
        public MetricCollector<long> Recipients { get; } = new(host.Get<IMeterFactory>(), PipelineTelemetry.Name, PipelineTelemetry.RecipientsName);
        public MetricCollector<double> SendGrid { get; } = new(host.Get<IMeterFactory>(), PipelineTelemetry.Name, PipelineTelemetry.SendGridDurationName);

        public void Dispose()
        {
            foreach (var c in new IDisposable[] { Ingested, Rejected, Runs, Batches, Recipients, SendGrid })
                c.Dispose();
        }
    }

    /// <summary>Sum of the counter's measurements whose tags include all of <paramref name="tags"/>.</summary>
    private static long Sum(MetricCollector<long> collector, params (string Key, object Value)[] tags)
        => collector.GetMeasurementSnapshot()
            .Where(m => tags.All(t => m.Tags.TryGetValue(t.Key, out var v) && Equals(v, t.Value)))
            .Sum(m => m.Value);

    private static async Task<IngestResult> PublishAsync(TestHost host, string name, string content)
    {
        await host.Get<ArticlePublisher>().PublishAsync(name, new MemoryStream(Encoding.UTF8.GetBytes(content)), Ct);
        return await host.Get<ArticleIngestor>().IngestAsync(name, Ct);
    }

    [Fact]
    public async Task ADigestRunCountsItsBatchesAndRecipientsAndTimesEachSendGridRequest()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(Settings(azurite, sendGrid), Morning);
        using var metrics = new Collectors(host);
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new("e1@customs.example", "E1", "Org"), new("e2@customs.example", "E2", "Org"), new("e3@customs.example", "E3", "Org"),
            new("e4@customs.example", "E4", "Org"), new("e5@customs.example", "E5", "Org"), new("f1@douane.example", "F1", "Org", "fr"),
            new("left@customs.example", "Left", "Org", Status: SubscriberStatus.Unsubscribed),
        ], Ct);
        Assert.Equal(IngestOutcome.Accepted, (await PublishAsync(host, "ptc.md", "---\ntitle: PTC session\ntopics: [e-commerce]\n---\nBody.\n")).Outcome);
        host.Time.Advance(TimeSpan.FromHours(1));
        sendGrid.EnqueueServerError(503); // the first request is refused with a 503 and retried

        var result = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);

        // en: 5 recipients in batches of 2 (3 batches), fr: 1 batch; 6 recipients; 5 requests (one retried).
        Assert.Equal((4, 6), (result.BatchesSentNow, result.RecipientsSentNow));
        Assert.Equal(5, sendGrid.Requests.Count);
        Assert.Equal(4, Sum(metrics.Batches, ("outcome", "sent"), ("frequency", "daily")));
        Assert.Equal(4, Sum(metrics.Batches));
        Assert.Equal(6, Sum(metrics.Recipients, ("outcome", "sent"), ("frequency", "daily")));
        Assert.Equal(6, Sum(metrics.Recipients));
        Assert.Equal(1, Sum(metrics.Runs, ("kind", "manual"), ("frequency", "daily")));
        Assert.Equal(1, Sum(metrics.Ingested, ("outcome", "accepted")));

        // One latency measurement per request, tagged with SendGrid's answer.
        var latencies = metrics.SendGrid.GetMeasurementSnapshot();
        Assert.Equal(sendGrid.Requests.Count, latencies.Count);
        Assert.All(latencies, m => Assert.True(m.Value > 0 && m.Value < 30, $"{m.Value} s"));
        Assert.Equal([202, 202, 202, 202, 503], latencies.Select(m => (int)m.Tags["http.response.status_code"]!).Order());

        // Running it again sends nothing and counts nothing.
        var again = await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct);
        Assert.Equal(4, again.BatchesAlreadySent);
        Assert.Equal(4, Sum(metrics.Batches));
        Assert.Equal(sendGrid.Requests.Count, metrics.SendGrid.GetMeasurementSnapshot().Count);
    }

    [Fact]
    public async Task IngestOutcomesRejectionCodesScheduledAndAlertRunsAndFailedBatchesAreCounted()
    {
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(Settings(azurite, sendGrid), Morning);
        using var metrics = new Collectors(host);
        await host.Get<SubscriberStore>().UpsertManyAsync([
            new("daily@customs.example", "Daily", "Org"),
            new("instant@customs.example", "Instant", "Org", Frequency: DigestFrequency.Instant),
        ], Ct);

        var article = "---\ntitle: PTC session\ntopics: [e-commerce]\n---\nBody.\n";
        Assert.Equal(IngestOutcome.Accepted, (await PublishAsync(host, "ptc.md", article)).Outcome);
        Assert.Equal(IngestOutcome.Unchanged, (await host.Get<ArticleIngestor>().IngestAsync("ptc.md", Ct)).Outcome);
        Assert.Equal(IngestOutcome.Rejected, (await PublishAsync(host, "untitled.md", "---\ntopics: [e-commerce]\n---\nNo title.\n")).Outcome);
        Assert.Equal(IngestOutcome.Missing, (await host.Get<ArticleIngestor>().IngestAsync("nothing-here.md", Ct)).Outcome);

        Assert.Equal(1, Sum(metrics.Ingested, ("outcome", "accepted")));
        Assert.Equal(1, Sum(metrics.Ingested, ("outcome", "unchanged")));
        Assert.Equal(1, Sum(metrics.Ingested, ("outcome", "rejected")));
        Assert.Equal(1, Sum(metrics.Ingested, ("outcome", "missing")));
        Assert.Equal(1, Sum(metrics.Rejected, ("code", "missing-title")));

        // The hourly timer at 08:00 UTC (the daily subscriber's hour): the scheduled runs and the article's alert, sent inline;
        // SendGrid refuses the first request (400): that batch fails, the other is sent.
        sendGrid.EnqueueAnswer(400, "The from address does not match a verified Sender Identity.");
        var results = await host.Get<HourPassed>().RunDueAsync(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero), Ct);

        Assert.Equal(2, Sum(metrics.Runs, ("kind", "scheduled"))); // daily and weekly of the hour
        Assert.Equal(1, Sum(metrics.Runs, ("kind", "alert"), ("frequency", "instant")));
        Assert.Equal(results.Sum(r => r.BatchesFailed), Sum(metrics.Batches, ("outcome", "failed")));
        Assert.Equal(1, Sum(metrics.Batches, ("outcome", "failed")));
        Assert.Equal(1, Sum(metrics.Batches, ("outcome", "sent")));
        Assert.Equal(1, Sum(metrics.Recipients, ("outcome", "sent")));
        Assert.Equal([202, 400], metrics.SendGrid.GetMeasurementSnapshot().Select(m => (int)m.Tags["http.response.status_code"]!).Order());
    }

    [Fact]
    public async Task IngestPlanAndSendAreTracedAsActivitiesOfTheNotificationsSource()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == PipelineTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (activities) activities.Add(a);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var sendGrid = await FakeSendGrid.StartAsync();
        await using var host = await TestHost.StartAsync(Settings(azurite, sendGrid), Morning);
        await host.Get<SubscriberStore>().UpsertManyAsync([new("daily@customs.example", "Daily", "Org")], Ct);
        var blob = "traced-" + Guid.NewGuid().ToString("N")[..8] + ".md";
        await PublishAsync(host, blob, "---\ntitle: PTC session\n---\nBody.\n");
        host.Time.Advance(TimeSpan.FromHours(1));
        var runId = (await host.Get<DigestRunner>().RunAsync(DigestFrequency.Daily, ct: Ct)).RunId;

        List<Activity> mine;
        lock (activities) mine = activities.ToList();
        var ingest = Assert.Single(mine, a => a.OperationName == PipelineTelemetry.IngestActivity && (string?)a.GetTagItem("notifications.article") == blob);
        Assert.Equal("accepted", ingest.GetTagItem("notifications.ingest.outcome"));
        // Other tests' runs have the same run id (one per day): this host's has one recipient in one batch.
        Assert.Contains(mine, a => a.OperationName == PipelineTelemetry.PlanActivity && a.GetTagItem("notifications.run.id") as string == runId
            && a.GetTagItem("notifications.run.kind") as string == "manual" && Equals(a.GetTagItem("notifications.run.recipients"), 1)
            && Equals(a.GetTagItem("notifications.run.batches"), 1));
        Assert.Contains(mine, a => a.OperationName == PipelineTelemetry.SendBatchActivity && a.GetTagItem("notifications.run.id") as string == runId
            && a.GetTagItem("notifications.batch.outcome") as string == "sent" && Equals(a.GetTagItem("notifications.batch.recipients_sent"), 1));
    }
}
