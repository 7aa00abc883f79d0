using System.Diagnostics;
using System.Diagnostics.Metrics;
using Notifications.Articles;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Telemetry;

/// <summary>
/// The pipeline's own traces and metrics: one <see cref="ActivitySource"/> and one <see cref="System.Diagnostics.Metrics.Meter"/>, both named
/// <see cref="Name"/>. Core classes call it at one place each (ingest, plan, batch send, SendGrid request); what is counted, and how
/// outcomes map to tags, is decided here. Nothing here carries an address or a token: tags are ids, names, outcomes and codes, and
/// exception messages recorded on activities are scrubbed (<see cref="LogScrubber"/>).
/// <list type="table">
/// <item><term><c>notifications.articles.ingested</c></term><description>counter; <c>outcome</c>: accepted, updated, unchanged, draft, duplicate, rejected, withdrawn, missing</description></item>
/// <item><term><c>notifications.articles.rejected</c></term><description>counter; <c>code</c>: the rejection code (missing-title, too-large, ...)</description></item>
/// <item><term><c>notifications.runs.planned</c></term><description>counter; <c>kind</c>: scheduled, manual, alert; <c>frequency</c>: daily, weekly, instant</description></item>
/// <item><term><c>notifications.delivery.batches</c></term><description>counter; <c>outcome</c>: sent, failed, uncertain; <c>frequency</c></description></item>
/// <item><term><c>notifications.delivery.recipients</c></term><description>counter; <c>outcome</c>: sent, skipped (no longer active at send time); <c>frequency</c></description></item>
/// <item><term><c>notifications.sendgrid.request.duration</c></term><description>histogram, seconds, one measurement per HTTP request (each retry
/// is one); <c>http.response.status_code</c> when SendGrid answered, else <c>error.type</c> (timeout, or the exception's type)</description></item>
/// </list>
/// Activities: <c>notifications.ingest</c>, <c>notifications.plan</c>, <c>notifications.send_batch</c>.
/// </summary>
public sealed class PipelineTelemetry
{
    /// <summary>The name of the meter and of the activity source (what an exporter subscribes to).</summary>
    public const string Name = "Notifications";

    public const string ArticlesIngestedName = "notifications.articles.ingested";
    public const string ArticlesRejectedName = "notifications.articles.rejected";
    public const string RunsPlannedName = "notifications.runs.planned";
    public const string BatchesName = "notifications.delivery.batches";
    public const string RecipientsName = "notifications.delivery.recipients";
    public const string SendGridDurationName = "notifications.sendgrid.request.duration";

    public const string IngestActivity = "notifications.ingest";
    public const string PlanActivity = "notifications.plan";
    public const string SendBatchActivity = "notifications.send_batch";

    private static readonly string? Version = typeof(PipelineTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>One per process: activity sources are global, listeners pick them by name.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, Version);

    private readonly Counter<long> _ingested;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _runsPlanned;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _recipients;
    private readonly Histogram<double> _sendGridDuration;

    public PipelineTelemetry(IMeterFactory meters)
    {
        // From the host's meter factory: one meter per host (tests run several side by side), disposed with it.
        Meter = meters.Create(new MeterOptions(Name) { Version = Version });
        _ingested = Meter.CreateCounter<long>(ArticlesIngestedName, "{article}", "Article blobs ingested, by outcome");
        _rejected = Meter.CreateCounter<long>(ArticlesRejectedName, "{article}", "Article blobs rejected, by rejection code");
        _runsPlanned = Meter.CreateCounter<long>(RunsPlannedName, "{run}", "Digest and alert runs planned, by kind (scheduled, manual, alert)");
        _batches = Meter.CreateCounter<long>(BatchesName, "{batch}", "Delivery batches that ended sent, failed or uncertain");
        _recipients = Meter.CreateCounter<long>(RecipientsName, "{recipient}", "Recipients of batches: sent, or skipped at send time");
        _sendGridDuration = Meter.CreateHistogram(SendGridDurationName, "s", "Duration of SendGrid Mail Send requests, by status code",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    public Meter Meter { get; }

    /// <summary>Around one ingestion (<see cref="ArticleIngestor.IngestAsync"/>): an activity, and the outcome counted.</summary>
    public async Task<IngestResult> TraceIngestAsync(string blobName, Func<Task<IngestResult>> ingest)
    {
        using var activity = ActivitySource.StartActivity(IngestActivity);
        activity?.SetTag("notifications.article", blobName);
        try
        {
            var result = await ingest();
            var outcome = Lower(result.Outcome);
            _ingested.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            activity?.SetTag("notifications.ingest.outcome", outcome);
            if (result.Outcome == IngestOutcome.Rejected && result.Article?.Rejection is { } rejection)
            {
                _rejected.Add(1, new KeyValuePair<string, object?>("code", rejection.Code));
                activity?.SetTag("notifications.rejection.code", rejection.Code);
            }
            return result;
        }
        catch (Exception e)
        {
            Failed(activity, e);
            throw;
        }
    }

    /// <summary>Around planning one run (<see cref="DigestPlanner.PlanAsync"/>): an activity, and the run counted by kind when this planner claimed it.</summary>
    public async Task<DigestRun?> TracePlanAsync(DigestPeriod period, DigestRun run, Func<Task<DigestRun?>> plan)
    {
        using var activity = ActivitySource.StartActivity(PlanActivity);
        var kind = KindOf(period);
        var frequency = Lower(period.Frequency);
        activity?.SetTag("notifications.run.id", run.RunId);
        activity?.SetTag("notifications.run.kind", kind);
        try
        {
            var planned = await plan();
            if (planned is null)
            {
                activity?.SetTag("notifications.run.claimed", false);
                return null;
            }
            _runsPlanned.Add(1, new("kind", kind), new("frequency", frequency));
            activity?.SetTag("notifications.run.status", Lower(planned.Status));
            activity?.SetTag("notifications.run.articles", planned.ArticleCount);
            activity?.SetTag("notifications.run.recipients", planned.RecipientCount);
            activity?.SetTag("notifications.run.batches", planned.BatchCount);
            return planned;
        }
        catch (Exception e)
        {
            Failed(activity, e);
            throw;
        }
    }

    /// <summary>
    /// Around sending one batch (<see cref="BatchSender.SendAsync"/>): an activity; batches that ended sent, failed or uncertain by this
    /// call, and their recipients. A batch that was already sent, in progress elsewhere, or left uncertain without being resent is not counted.
    /// </summary>
    public async Task<BatchResult> TraceBatchAsync(DeliveryBatch batch, string frequency, bool resendUncertain, Func<Task<BatchResult>> send)
    {
        using var activity = ActivitySource.StartActivity(SendBatchActivity);
        activity?.SetTag("notifications.run.id", batch.RunId);
        activity?.SetTag("notifications.batch.id", batch.BatchId);
        try
        {
            var result = await send();
            var outcome = result.Outcome switch
            {
                BatchOutcome.Sent => "sent",
                BatchOutcome.Failed => "failed",
                // An Uncertain batch left alone is reported again, not made uncertain now.
                BatchOutcome.Uncertain when batch.Status != BatchStatus.Uncertain || resendUncertain => "uncertain",
                _ => null,
            };
            activity?.SetTag("notifications.batch.outcome", outcome ?? Lower(result.Outcome));
            if (outcome is null)
                return result;
            var tagFrequency = new KeyValuePair<string, object?>("frequency", frequency);
            _batches.Add(1, new KeyValuePair<string, object?>("outcome", outcome), tagFrequency);
            if (result.RecipientsSent > 0)
                _recipients.Add(result.RecipientsSent, new KeyValuePair<string, object?>("outcome", "sent"), tagFrequency);
            if (result.RecipientsSkipped > 0)
                _recipients.Add(result.RecipientsSkipped, new KeyValuePair<string, object?>("outcome", "skipped"), tagFrequency);
            activity?.SetTag("notifications.batch.recipients_sent", result.RecipientsSent);
            activity?.SetTag("notifications.batch.recipients_skipped", result.RecipientsSkipped);
            if (result.Outcome is not BatchOutcome.Sent)
                activity?.SetStatus(ActivityStatusCode.Error, LogScrubber.Scrub(result.Error ?? outcome));
            return result;
        }
        catch (Exception e)
        {
            Failed(activity, e);
            throw;
        }
    }

    /// <summary>Times one SendGrid HTTP request (each attempt of a retried send is one): status code when it answered, else the error type.</summary>
    public async Task<SendGrid.Response> TimeSendGridAsync(Func<Task<SendGrid.Response>> request)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await request();
            _sendGridDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("http.response.status_code", (int)response.StatusCode));
            return response;
        }
        catch (Exception e)
        {
            _sendGridDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("error.type", e is OperationCanceledException ? "timeout" : e.GetType().FullName));
            throw;
        }
    }

    /// <summary>scheduled (the hourly timer's runs), manual (started by hand), alert (one article's instant alert).</summary>
    public static string KindOf(DigestPeriod period) => period.IsAlert ? "alert" : period.IsScheduled ? "scheduled" : "manual";

    private static void Failed(Activity? activity, Exception e)
    {
        if (activity is null) return;
        var message = LogScrubber.Scrub(e.Message);
        activity.SetStatus(ActivityStatusCode.Error, message);
        // Not Activity.AddException: it would record the raw message and stack trace, which may carry an address.
        activity.AddEvent(new ActivityEvent("exception", tags: new ActivityTagsCollection
        {
            ["exception.type"] = e.GetType().FullName,
            ["exception.message"] = message,
        }));
    }

    private static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
