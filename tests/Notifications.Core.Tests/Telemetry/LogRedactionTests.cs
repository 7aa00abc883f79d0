using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Notifications.Subscribers;
using Notifications.Telemetry;

namespace Notifications.Core.Tests.Telemetry;

/// <summary>
/// The redaction layer on its own, over a provider that writes everything it is given: classified <c>[LoggerMessage]</c> parameters
/// are redacted, and addresses and tokens anywhere else (parameters, the message, scopes, objects, exception messages, inner
/// exceptions) are masked before any provider sees them.
/// </summary>
public sealed class LogRedactionTests
{
    private const string Email = "a.karimov@customs.uz.example";
    private const string EncodedEmail = "a.karimov%40customs.uz.example";
    private static readonly string Token = IssueToken("k1");

    private sealed record Person(string Name, string Email);

    private static string IssueToken(string keyId, TokenPurpose purpose = TokenPurpose.Unsubscribe)
    {
        var options = Options.Create(new TokenOptions
        {
            Keys = { [keyId] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) },
            CurrentKeyId = keyId,
        });
        var tokens = new SubscriptionTokens(options, TimeProvider.System);
        return purpose == TokenPurpose.AddressChange
            ? tokens.IssueAddressChange(SubscriberIds.LegacyOf(Email), "3f9a0c4e5b6d7a8b9c0d1e2f3a4b5c6d")
            : tokens.Issue(SubscriberIds.LegacyOf(Email), purpose);
    }

    private static ServiceProvider Logging(LogCapture capture, bool redaction)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
        if (redaction)
            services.AddPipelineTelemetry();
        return services.BuildServiceProvider();
    }

    /// <summary>Every way an address or a token can get into a log entry.</summary>
    private static void LogEverything(ILogger logger)
    {
        PipelineLog.ArticleRejected(logger, "2026/ptc.md", "missing-title", "The file has no title", Email);
        logger.LogInformation("Subscriber {Email} opened {Link}", Email, $"https://notify.example/api/confirm?token={Token}");
        logger.LogDebug("Form body {Body}", $"email={EncodedEmail}&name=Aziz");
        logger.LogTrace("Raw token {Token} and key SG.abcdefghijklmnop.qrstuvwxyz0123456789", Token);
        logger.LogInformation("Record {Person}", new Person("Aziz", Email));
        logger.LogInformation("Recipients {Recipients}", (object)new[] { Email, "b.smith@hmrc.example" });
        logger.LogWarning($"Interpolated by mistake: {Email} {Token}");
        using (logger.BeginScope("Request {Url}", $"https://notify.example/api/unsubscribe?token={Token}"))
        using (logger.BeginScope($"for {Email}"))
            logger.LogInformation("Inside two scopes");
        var inner = new HttpRequestException($"SendGrid said: {Email} is on a suppression list");
        logger.LogError(new InvalidOperationException($"Could not mail {Email} (link ?token={Token})", inner), "Sending failed for batch {BatchId}", "b00001");
        try
        {
            throw new ArgumentException("bad address " + Email, "email");
        }
        catch (ArgumentException e)
        {
            PipelineLog.ArticleRejected(logger, "x.md", "invalid-editor", e.Message, Email);
            logger.LogCritical(e, "Thrown and caught");
        }
    }

    [Fact]
    public void NoAddressOrTokenReachesAProviderThroughTheRedactionLayer()
    {
        var capture = new LogCapture();
        using (var services = Logging(capture, redaction: true))
            LogEverything(services.GetRequiredService<ILogger<LogRedactionTests>>());

        var text = capture.Text;
        Assert.True(capture.Lines.Count >= 10, text);
        Assert.DoesNotContain(Email, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(EncodedEmail, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("b.smith@hmrc.example", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Token, text, StringComparison.Ordinal);
        Assert.DoesNotContain("SG.abcdefghijklmnop", text, StringComparison.Ordinal);

        // Masked, not dropped: the entries still say what happened.
        Assert.Contains("(editor: a***@customs.uz.example)", text);
        Assert.Contains("Subscriber a***@customs.uz.example opened https://notify.example/api/confirm?token=***", text);
        Assert.Contains("email=a***%40customs.uz.example&name=Aziz", text);
        Assert.Contains("Request https://notify.example/api/unsubscribe?token=***", text);
        // The exception keeps its type, message (masked), inner exception and stack.
        Assert.Contains("System.InvalidOperationException: Could not mail a***@customs.uz.example (link ?token=***)", text);
        Assert.Contains("SendGrid said: a***@customs.uz.example is on a suppression list", text);
        Assert.Contains("System.ArgumentException: bad address a***@customs.uz.example", text);
        Assert.Contains(nameof(LogEverything), text);
    }

    [Fact]
    public void WithoutTheRedactionLayerTheSameCaptureSeesTheAddressAndTheToken()
    {
        // Proves the capture above would fail if the layer were gone.
        var capture = new LogCapture();
        using (var services = Logging(capture, redaction: false))
            LogEverything(services.GetRequiredService<ILogger<LogRedactionTests>>());

        Assert.Contains(Email, capture.Text);
        Assert.Contains(EncodedEmail, capture.Text);
        Assert.Contains(Token, capture.Text);
    }

    [Fact]
    public void ClassifiedParametersAreRedactedEvenWhereTheScrubberWouldNotLook()
    {
        // A value the scrubber does not recognise is still redacted because it is classified.
        var capture = new LogCapture();
        using (var services = Logging(capture, redaction: true))
            PipelineLog.ArticleRejected(services.GetRequiredService<ILogger<LogRedactionTests>>(), "a.md", "invalid-editor", "reason", "not-an-address-at-all");

        var line = Assert.Single(capture.Lines);
        Assert.DoesNotContain("not-an-address-at-all", line);
        Assert.Contains("(editor: ***)", line);
    }

    [Theory]
    [InlineData("k1")]
    [InlineData("2026-rotation-key")]
    public void SignedTokensOfAnyKeyIdAreRecognised(string keyId)
    {
        foreach (var purpose in Enum.GetValues<TokenPurpose>())
        {
            var token = IssueToken(keyId[..Math.Min(16, keyId.Length)], purpose);
            Assert.True(LogScrubber.IsSubscriptionToken(token), token);
            Assert.Equal("link ***.", LogScrubber.Scrub($"link {token}."));
        }
    }

    [Theory]
    [InlineData("Subscriber 3f9a0c4e5b6d7a8b9c0d1e2f3a4b5c6d confirmed the subscription")]
    [InlineData("content 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 is new")]
    [InlineData("Run instant-3f9a0c4e5b6d7a8b: 1 batches queued")]
    [InlineData("Article 2026/ptc-241st-and-242nd-sessions-closing-Brussels.en.md accepted")]
    [InlineData("at Notifications.Core.Tests.Digests.DigestRunnerTests.TwoThousandFiveHundredSubscribersAreSentInThreeRequests()")]
    [InlineData("request 0HNA1B2C3D4E5:00000001 in 3f2504e0-4f89-11d3-9a0c-0305e82c3301")]
    [InlineData("Told the editor (p***@secretariat.example) that a.md was rejected (missing-title)")]
    [InlineData("status code 400: Bad Request, key id k1, batch b00001 of run daily-2026-11-26T07")]
    public void IdsHashesNamesAndMaskedAddressesAreLeftAlone(string text)
        => Assert.Same(text, LogScrubber.Scrub(text));

    [Theory]
    [InlineData("to A.Karimov@Customs.UZ.example now", "to A***@Customs.UZ.example now")]
    [InlineData("mailto:unsubscribe+x1@secretariat.example", "mailto:u***@secretariat.example")]
    [InlineData("Лена@почта.рф", "Л***@почта.рф")]
    [InlineData("https://fn.example/api/manage/subscribers?code=abcDEF123==&x=1", "https://fn.example/api/manage/subscribers?code=***&x=1")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=st;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core",
        "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=***;EndpointSuffix=core")]
    [InlineData("Authorization: Bearer abcdefgh.ijklmnop.qrstuvwx", "Authorization: Bearer ***")]
    [InlineData("key SG.0123456789abcdef.ABCDEFGHIJKLMNOPQRSTUV_-xyz", "key SG.***")]
    [InlineData("secret Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MEFCQ0RFRkdISUpLTE1OT1BRUlNU end", "secret *** end")]
    public void AddressesAndSecretsAreMasked(string text, string expected)
        => Assert.Equal(expected, LogScrubber.Scrub(text));
}
