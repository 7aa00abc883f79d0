using BenchmarkDotNet.Attributes;
using Notifications.Subscribers;
using Notifications.Mail;

namespace Notifications.MicroBenchmarks;

/// <summary>
/// <see cref="SubscriptionTokens"/>: signing one link token (HMAC-SHA256, base64url), as every recipient of a batch gets two
/// (unsubscribe and preferences), and verifying one, as every click on a link does.
/// </summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private SubscriptionTokens _tokens = null!;
    private string _subscriberId = null!;
    private string _token = null!;

    [GlobalSetup]
    public void Setup()
    {
        _tokens = BenchmarkInputs.Get<SubscriptionTokens>();
        _subscriberId = BenchmarkInputs.Get<SubscriberIds>().Of(EmailAddress.Normalize("d.karimova@customs.uz.example"));
        _token = _tokens.Issue(_subscriberId, TokenPurpose.Unsubscribe);
    }

    [Benchmark(Baseline = true)]
    public string Sign() => _tokens.Issue(_subscriberId, TokenPurpose.Unsubscribe);

    [Benchmark]
    public VerifiedToken Verify() => _tokens.Verify(_token, TokenPurpose.Unsubscribe);
}
