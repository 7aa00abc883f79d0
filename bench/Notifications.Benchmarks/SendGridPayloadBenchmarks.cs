using BenchmarkDotNet.Attributes;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Subscribers;

namespace Notifications.MicroBenchmarks;

/// <summary>
/// The Mail Send request for one full batch, as <see cref="SendGridTransport"/> makes it: <see cref="SendGridMessageBuilder.Build"/>
/// (one personalization per recipient, with their substitutions, List-Unsubscribe header and subscriber id, then SendGrid's limits
/// checked) and the JSON body. The content is the rendered English digest; the recipients' signed links are made beforehand
/// (<see cref="TokenBenchmarks"/> measures those).
/// </summary>
[MemoryDiagnoser]
public class SendGridPayloadBenchmarks
{
    /// <summary>A full batch: SendGrid's limit of personalizations per request, and Delivery:BatchSize's default.</summary>
    public const int Recipients = SendGridMessageBuilder.MaxPersonalizations;

    private SendGridMessageBuilder _builder = null!;
    private MailBatch _batch = null!;

    [GlobalSetup]
    public void Setup()
    {
        _builder = BenchmarkInputs.Get<SendGridMessageBuilder>();
        var period = DigestPeriod.Hourly(DigestFrequency.Daily, BenchmarkInputs.Now);
        var content = BenchmarkInputs.Get<DigestRenderer>().Render(period, BenchmarkInputs.DigestArticles("en"), "en",
            $"{BenchmarkInputs.BaseUrl}/api/digests/{period.RunId}/en");
        _batch = new MailBatch(period.RunId, "b00000", "daily", content, BenchmarkInputs.Recipients(Recipients));
    }

    [Benchmark]
    public string BuildAndSerialize1000Recipients() => _builder.Build(_batch).Serialize();
}
