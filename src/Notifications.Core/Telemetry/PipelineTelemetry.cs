using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Notifications.Telemetry;

/// <summary>What one ingestion came to: its outcome (the name of the ingest outcome) and, for a rejection, its code.</summary>
public readonly record struct IngestTags(string Outcome, string? RejectionCode = null);

/// <summary>What planning one run came to: its status (the name of the run status) and what it holds.</summary>
public readonly record struct PlannedRunTags(string Status, int Articles, int Recipients, int Batches);

/// <summary>What sending one batch came to: its outcome (the name of the batch outcome), the recipients sent and skipped, and the error.</summary>
public readonly record struct SentBatchTags(string Outcome, int RecipientsSent, int RecipientsSkipped, string? Error);

/// <summary>
/// The pipeline's own traces and metrics: one <see cref="ActivitySource"/> and one <see cref="System.Diagnostics.Metrics.Meter"/>, both named
/// <see cref="Name"/>. Core classes call it at one place each (ingest, plan, batch send, SendGrid request), saying what happened in plain
/// values (ids, names, counts: this foundation knows none of their types); what is counted, and how outcomes map to tags, is decided here.
/// Nothing here carries an address or a token: tags are ids, names, outcomes and codes, and
/// exception messages recorded on activities are scrubbed (<see cref="LogScrubber"/>).
/// <list type="table">
/// <item><term><c>notifications.articles.ingested</c></term><description>counter; <c>outcome</c>: accepted, updated, unchanged, draft,
/// duplicate, rejected, withdrawn, missing</description></item>
/// <item><term><c>notifications.articles.rejected</c></term><description>counter; <c>code</c>: the rejection code (missing-title,
/// too-large, ...)</description></item>
/// <item><term><c>notifications.runs.planned</c></term><description>counter; <c>kind</c>: scheduled, manual, alert; <c>frequency</c>:
/// daily, weekly, instant</description></item>
/// <item><term><c>notifications.delivery.batches</c></term><description>counter; <c>outcome</c>: sent, failed, uncertain; <c>frequency</c></description></item>
/// <item><term><c>notifications.delivery.recipients</c></term><description>counter; <c>outcome</c>: sent, skipped (no longer active at
/// send time); <c>frequency</c></description></item>
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

    /// <summary>Around one ingestion (ArticleIngestor.IngestAsync): an activity, and the outcome counted (and the rejection code, when
    /// <paramref name="describe"/> gives one).</summary>
    public async Task<T> TraceIngestAsync<T>(string blobName, Func<Task<T>> ingest, Func<T, IngestTags> describe)
    {
        using var activity = ActivitySource.StartActivity(IngestActivity);
        activity?.SetTag("notifications.article", blobName);
        try
        {
            var result = await ingest();
            var tags = describe(result);
            var outcome = Lower(tags.Outcome);
            _ingested.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
            activity?.SetTag("notifications.ingest.outcome", outcome);
            if (tags.RejectionCode is { } code)
            {
                _rejected.Add(1, new KeyValuePair<string, object?>("code", code));
                activity?.SetTag("notifications.rejection.code", code);
            }
            return result;
        }
        catch (Exception e)
        {
            Failed(activity, e);
            throw;
        }
    }

    /// <summary>
    /// Around planning one run (DigestPlanner.PlanAsync): an activity, and the run counted by <paramref name="kind"/> (<see cref="KindOf"/>)
    /// and <paramref name="frequency"/> (the frequency's name) when this planner claimed it (<paramref name="plan"/> gave a run).
    /// </summary>
    public async Task<T?> TracePlanAsync<T>(string runId, string kind, string frequency, Func<Task<T?>> plan, Func<T, PlannedRunTags> describe)
        where T : class
    {
        using var activity = ActivitySource.StartActivity(PlanActivity);
        frequency = Lower(frequency);
        activity?.SetTag("notifications.run.id", runId);
        activity?.SetTag("notifications.run.kind", kind);
        try
        {
            var planned = await plan();
            if (planned is null)
            {
                activity?.SetTag("notifications.run.claimed", false);
                return null;
            }
            var tags = describe(planned);
            _runsPlanned.Add(1, new("kind", kind), new("frequency", frequency));
            activity?.SetTag("notifications.run.status", Lower(tags.Status));
            activity?.SetTag("notifications.run.articles", tags.Articles);
            activity?.SetTag("notifications.run.recipients", tags.Recipients);
            activity?.SetTag("notifications.run.batches", tags.Batches);
            return planned;
        }
        catch (Exception e)
        {
            Failed(activity, e);
            throw;
        }
    }

    /// <summary>
    /// Around sending one batch (BatchSender.SendAsync): an activity; batches that ended sent, failed or uncertain by this call, and their
    /// recipients, by <paramref name="frequency"/> (the frequency's name). A batch that was already sent, in progress elsewhere, or left
    /// uncertain without being resent (<paramref name="uncertainCounts"/> false: it was Uncertain before and is not resent) is not counted.
    /// </summary>
    public async Task<T> TraceBatchAsync<T>(string runId, string batchId, string frequency, bool uncertainCounts, Func<Task<T>> send,
        Func<T, SentBatchTags> describe)
    {
        using var activity = ActivitySource.StartActivity(SendBatchActivity);
        activity?.SetTag("notifications.run.id", runId);
        activity?.SetTag("notifications.batch.id", batchId);
        try
        {
            var result = await send();
            var tags = describe(result);
            var ended = Lower(tags.Outcome);
            var outcome = ended switch
            {
                "sent" => "sent",
                "failed" => "failed",
                // An Uncertain batch left alone is reported again, not made uncertain now.
                "uncertain" when uncertainCounts => "uncertain",
                _ => null,
            };
            activity?.SetTag("notifications.batch.outcome", outcome ?? ended);
            if (outcome is null)
                return result;
            var tagFrequency = new KeyValuePair<string, object?>("frequency", Lower(frequency));
            _batches.Add(1, new KeyValuePair<string, object?>("outcome", outcome), tagFrequency);
            if (tags.RecipientsSent > 0)
                _recipients.Add(tags.RecipientsSent, new KeyValuePair<string, object?>("outcome", "sent"), tagFrequency);
            if (tags.RecipientsSkipped > 0)
                _recipients.Add(tags.RecipientsSkipped, new KeyValuePair<string, object?>("outcome", "skipped"), tagFrequency);
            activity?.SetTag("notifications.batch.recipients_sent", tags.RecipientsSent);
            activity?.SetTag("notifications.batch.recipients_skipped", tags.RecipientsSkipped);
            if (outcome != "sent")
                activity?.SetStatus(ActivityStatusCode.Error, LogScrubber.Scrub(tags.Error ?? outcome));
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
    public static string KindOf(bool isAlert, bool isScheduled) => isAlert ? "alert" : isScheduled ? "scheduled" : "manual";

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

    /// <summary>An enum's name as a tag: "Rejected" → "rejected".</summary>
    private static string Lower(string name) => name.ToLowerInvariant();
}
