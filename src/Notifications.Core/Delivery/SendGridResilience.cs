using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Notifications.Mail;

namespace Notifications.Delivery;

/// <summary>
/// How SendGrid requests are retried and paced. A duplicate newsletter is worse than a late one, so what is retried is decided by
/// one question: can the request have reached SendGrid?
/// <list type="table">
/// <item><term>2xx</term><description>accepted: the message id.</description></item>
/// <item><term>429</term><description>waited out until X-RateLimit-Reset (unix seconds) or Retry-After (seconds or a date), then retried;
/// a wait beyond <see cref="DeliveryOptions.MaxRateLimitWait"/> gives up at once (not sent). These waits have a budget of their own
/// (<see cref="SendRetryBudget"/>: <see cref="DeliveryOptions.MaxRateLimitWaits"/>, <see cref="DeliveryOptions.MaxRateLimitWaitTotal"/>)
/// and do not spend the error retries.</description></item>
/// <item><term>5xx</term><description>SendGrid answered, so it did not accept the mail: retried with exponential backoff and jitter.</description></item>
/// <item><term>other 4xx (400, 401, 403, 404, 413 …)</term>
/// <description>refused: not sent, never retried (the same request would be refused again).</description></item>
/// <item><term>no connection (refused, DNS, TLS, <see cref="DeliveryOptions.ConnectTimeout"/>)</term>
/// <description>the request never left: retried like a 5xx.</description></item>
/// <item><term>no answer after the request left (<see cref="DeliveryOptions.RequestTimeout"/>, dropped connection)</term>
/// <description><see cref="MailOutcomeUnknownException"/>, never retried: SendGrid may have accepted it.</description></item>
/// </list>
/// <para>
/// "Never left" is not guessed from exception types (a connect timeout and a response timeout both surface as a cancellation):
/// <see cref="SendGridSendProbe"/>, the innermost handler of the named HttpClient, wraps the request body and records when the body
/// starts to be written to the connection. A failure before that point cannot have reached SendGrid (a POST without its body is not a
/// mail); any failure after it, without a status line, is an unknown outcome.
/// </para>
/// <para>
/// Why a Polly pipeline inside the transport rather than a resilience handler on the HttpClient: each attempt's classification needs
/// the probe and the answer's body (SendGrid's error text), and the final outcome has to become one of the transport's three results
/// (message id, <see cref="MailNotSentException"/>, <see cref="MailOutcomeUnknownException"/>) with a message an operator can act on.
/// A handler-level pipeline would retry below the SendGrid client, where neither is at hand. So the pipeline (retry outside, the shared
/// token-bucket throttle inside, so every attempt takes a token) runs around one attempt of the transport, and the HttpClient itself
/// has no retry: the SendGrid client's own retries are off (its <c>ReliabilitySettings</c> with 0 retries; it also adds its retry handler
/// only to clients it creates itself, not to an injected one), and any resilience handler added to every client by
/// <c>ConfigureHttpClientDefaults</c> is removed from this one.
/// </para>
/// </summary>
public sealed class SendGridResilience : IDisposable
{
    internal static readonly ResiliencePropertyKey<MailBatch> BatchKey = new("Notifications.SendGrid.Batch");

    /// <summary>The send's retry budget; the transport puts a fresh one in each send's context.</summary>
    internal static readonly ResiliencePropertyKey<SendRetryBudget> BudgetKey = new("Notifications.SendGrid.Budget");

    private readonly DeliveryOptions _options;

    private readonly RateLimiter? _throttle;

    public SendGridResilience(IOptions<DeliveryOptions> options, ILogger<SendGridTransport> logger)
    {
        var o = _options = options.Value;
        if (o.RequestsPerSecond > 0)
            // One token at a time, one every 1/RequestsPerSecond: requests are paced evenly, without bursts.
            _throttle = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = 1,
                TokensPerPeriod = 1,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1 / o.RequestsPerSecond),
                QueueLimit = int.MaxValue,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
                AutoReplenishment = true,
            });

        // Delays run on the system clock on purpose: the host's TimeProvider may be a test's fake clock, and SendGrid's does not wait for it.
        var builder = new ResiliencePipelineBuilder<SendAttempt> { TimeProvider = TimeProvider.System };
        if (o.MaxRetries + o.MaxRateLimitWaits > 0)
            builder.AddRetry(new RetryStrategyOptions<SendAttempt>
            {
                // The bound that counts is the send's SendRetryBudget (errors and rate limits apart); this is only its sum.
                MaxRetryAttempts = o.MaxRetries + o.MaxRateLimitWaits,
                BackoffType = DelayBackoffType.Constant,
                // Only answers classified as retryable, within their budget; an exception (an unknown outcome, a cancellation) is never retried.
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result is { } attempt && BudgetOf(args.Context).TryRetry(attempt)),
                // A 429 waits as long as SendGrid says; anything else takes the budget's exponential backoff.
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(BudgetOf(args.Context).NextDelay),
                OnRetry = args =>
                {
                    var attempt = args.Outcome.Result!;
                    var budget = BudgetOf(args.Context);
                    args.Context.Properties.TryGetValue(BatchKey, out var batch);
                    if (attempt.Kind is SendAttemptKind.RateLimited)
                        logger.LogWarning(
                            "SendGrid rate limited batch {BatchId} of run {RunId} (wait {Wait} of {Waits}, not counted as an error retry); retrying in {Delay}",
                            batch?.BatchId, batch?.RunId, budget.RateLimitWaits, o.MaxRateLimitWaits, args.RetryDelay);
                    else
                        logger.LogWarning(
                            "SendGrid attempt {Attempt} of {Attempts} for batch {BatchId} of run {RunId}: {Reason} (status {Status}); retrying in {Wait}",
                            budget.ErrorRetries, o.MaxRetries + 1, batch?.BatchId, batch?.RunId, attempt.Reason, attempt.Status, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            });
        if (_throttle is not null)
            builder.AddRateLimiter(_throttle);
        Pipeline = builder.Build();
    }

    /// <summary>A fresh retry budget for one send, in its context (<see cref="BudgetKey"/>).</summary>
    internal SendRetryBudget NewBudget(ResilienceContext context)
    {
        var budget = new SendRetryBudget(_options);
        context.Properties.Set(BudgetKey, budget);
        return budget;
    }

    private SendRetryBudget BudgetOf(ResilienceContext context)
        => context.Properties.TryGetValue(BudgetKey, out var budget) ? budget : NewBudget(context);

    /// <summary>Retry (outer) and throttle (inner) around one attempt.</summary>
    internal ResiliencePipeline<SendAttempt> Pipeline { get; }

    public void Dispose() => _throttle?.Dispose();

    /// <summary>When a 429 says the limit resets: X-RateLimit-Reset (unix seconds), else Retry-After (seconds or an HTTP date); null when neither.</summary>
    public static DateTimeOffset? RateLimitResetOf(System.Net.Http.Headers.HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.TryGetValues("X-RateLimit-Reset", out var values)
            && long.TryParse(
                values.FirstOrDefault(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var unix)
            && unix > 0 && unix < 253_402_300_800)
            return DateTimeOffset.FromUnixTimeSeconds(unix);
        if (headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta)
                return now + delta;
            if (retryAfter.Date is { } date)
                return date;
        }
        return null;
    }
}

internal enum SendAttemptKind
{
    /// <summary>2xx.</summary>
    Accepted,
    /// <summary>A 4xx other than 429 (or anything else that is neither 2xx nor retryable): not sent, not retried.</summary>
    Refused,
    /// <summary>429 with a wait within Delivery:MaxRateLimitWait: retried after it.</summary>
    RateLimited,
    /// <summary>429 with a wait beyond Delivery:MaxRateLimitWait: given up.</summary>
    RateLimitedTooLong,
    /// <summary>5xx: SendGrid answered that it did not accept the request.</summary>
    ServerError,
    /// <summary>The request never left: no connection could be made.</summary>
    Unreachable,
}

/// <summary>One attempt's result. <see cref="Detail"/> is SendGrid's error text or the connection error, never an address.</summary>
/// <see cref="Refusals"/>: a 400 whose errors all name personalizations (index, message).
internal sealed record SendAttempt(SendAttemptKind Kind, int Status, string Detail, string MessageId = "", DateTimeOffset? Until = null, TimeSpan? Wait = null,
    IReadOnlyList<(int Index, string Message)>? Refusals = null)
{
    public bool IsRetryable => Kind is SendAttemptKind.RateLimited or SendAttemptKind.ServerError or SendAttemptKind.Unreachable;

    public string Reason => Kind switch
    {
        SendAttemptKind.RateLimited => "rate limited",
        SendAttemptKind.ServerError => "server error",
        SendAttemptKind.Unreachable => "not reachable",
        _ => Kind.ToString(),
    };
}

/// <summary>What one attempt's request got to: <see cref="BodyStarted"/> is the line between "never left" and "may have arrived".</summary>
internal sealed class SendGridSendProbe
{
    /// <summary>The probe of the attempt running in this async flow; set by the transport around one request.</summary>
    internal static readonly AsyncLocal<SendGridSendProbe?> Current = new();

    private int _handlerReached;
    private int _bodyStarted;

    /// <summary>The request went through the probe handler (without it nothing can be proven, and failures count as unknown).</summary>
    public bool HandlerReached => Volatile.Read(ref _handlerReached) == 1;

    /// <summary>The body began to be written to an established connection.</summary>
    public bool BodyStarted => Volatile.Read(ref _bodyStarted) == 1;

    internal void MarkHandlerReached() => Volatile.Write(ref _handlerReached, 1);

    internal void MarkBodyStarted() => Volatile.Write(ref _bodyStarted, 1);
}

/// <summary>The innermost handler of the SendGrid HttpClient: wraps the body so the current <see cref="SendGridSendProbe"/> sees it leave.</summary>
internal sealed class SendGridSendProbeHandler : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Wrap(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Wrap(request);
        return base.Send(request, cancellationToken);
    }

    private static void Wrap(HttpRequestMessage request)
    {
        if (SendGridSendProbe.Current.Value is not { } probe)
            return;
        probe.MarkHandlerReached();
        if (request.Content is { } content and not ProbedContent)
            request.Content = new ProbedContent(content, probe);
    }

    /// <summary>The same bytes and headers; marks the probe when the connection asks for them.</summary>
    private sealed class ProbedContent : HttpContent
    {
        private readonly HttpContent _inner;
        private readonly SendGridSendProbe _probe;

        public ProbedContent(HttpContent inner, SendGridSendProbe probe)
        {
            _inner = inner;
            _probe = probe;
            foreach (var header in inner.Headers)
                Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            _probe.MarkBodyStarted();
            return _inner.CopyToAsync(stream, context);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            _probe.MarkBodyStarted();
            return _inner.CopyToAsync(stream, context, cancellationToken);
        }

        protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            _probe.MarkBodyStarted();
            _inner.CopyTo(stream, context, cancellationToken);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _inner.Headers.ContentLength ?? -1;
            return length >= 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}

public static class SendGridServiceCollectionExtensions
{
    /// <summary>
    /// The named HttpClient SendGrid requests go through: a connect timeout of its own (<see cref="DeliveryOptions.ConnectTimeout"/>),
    /// no client-wide timeout (the transport times each attempt with <see cref="DeliveryOptions.RequestTimeout"/>), no retry handler,
    /// the send probe innermost; and the shared retry and throttle pipeline.
    /// </summary>
    public static IServiceCollection AddSendGridHttpClient(this IServiceCollection services)
    {
        services.TryAddSingleton<SendGridResilience>();
        var client = services.AddHttpClient(SendGridTransport.HttpClientName)
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                ConnectTimeout = sp.GetRequiredService<IOptions<DeliveryOptions>>().Value.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                AllowAutoRedirect = false,
                UseCookies = false,
            });
        // A resilience handler added to every client (ConfigureHttpClientDefaults(b => b.AddStandardResilienceHandler())) would retry
        // timeouts of requests that may have arrived: never on this client. The method is marked "for evaluation" in 10.11; the test
        // DefaultResilienceHandlersDoNotRetryTheSendGridClient pins its effect.
#pragma warning disable EXTEXP0001
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddHttpMessageHandler(() => new SendGridSendProbeHandler());
        return services;
    }
}
