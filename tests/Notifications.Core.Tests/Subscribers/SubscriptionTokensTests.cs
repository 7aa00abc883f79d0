using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Notifications.Subscribers;

namespace Notifications.Core.Tests.Subscribers;

public sealed class SubscriptionTokensTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly string Subscriber = SubscriberIds.LegacyOf("d.karimova@customs.uz.example");
    private static readonly string OtherSubscriber = SubscriberIds.LegacyOf("j.smith@hmrc.example");
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private readonly FakeTimeProvider time = new(Start);

    /// <summary>A deterministic 32-byte secret per name, base64 as in configuration.</summary>
    private static string Secret(string name) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private static TokenOptions Settings(string current, params (string Id, string Secret)[] keys) => new()
    {
        CurrentKeyId = current,
        Keys = keys.ToDictionary(k => k.Id, k => k.Secret),
    };

    private SubscriptionTokens Tokens(TokenOptions settings) => new(Options.Create(settings), time);

    private SubscriptionTokens Tokens(string keyId = "k1") => Tokens(Settings(keyId, (keyId, Secret(keyId))));

    [Theory]
    [InlineData(TokenPurpose.Confirm)]
    [InlineData(TokenPurpose.Unsubscribe)]
    [InlineData(TokenPurpose.Preferences)]
    public void IssuedTokenVerifiesForItsSubscriberAndPurpose(TokenPurpose purpose)
    {
        var tokens = Tokens();

        var token = tokens.Issue(Subscriber, purpose);
        var verified = tokens.Verify(token, purpose);

        Assert.Equal(Subscriber, verified.SubscriberId);
        Assert.Equal(purpose, verified.Purpose);
        Assert.Equal("k1", verified.KeyId);
        Assert.Equal(purpose == TokenPurpose.Confirm ? Start.AddDays(7) : null, verified.ExpiresAt);
    }

    [Fact]
    public void TokenIsShortAndUrlSafe()
    {
        var token = Tokens().Issue(Subscriber, TokenPurpose.Unsubscribe);

        Assert.Equal(60, token.Length);
        Assert.All(token, c => Assert.Contains(c, Base64UrlAlphabet));
        Assert.Equal(token, Uri.EscapeDataString(token));
    }

    [Fact]
    public void ConfirmTokenWorksUntilItsLifetimeEndsThenExpires()
    {
        var settings = Settings("k1", ("k1", Secret("k1")));
        settings.ConfirmationLifetime = TimeSpan.FromDays(2);
        var tokens = Tokens(settings);
        var token = tokens.Issue(Subscriber, TokenPurpose.Confirm);

        time.Advance(TimeSpan.FromDays(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(Subscriber, tokens.Verify(token, TokenPurpose.Confirm).SubscriberId);

        time.Advance(TimeSpan.FromSeconds(2));
        var e = Assert.Throws<InvalidTokenException>(() => tokens.Verify(token, TokenPurpose.Confirm));
        Assert.Equal(TokenProblem.Expired, e.Problem);
        Assert.Equal("This link has expired. Ask for a new confirmation email.", e.Message);
    }

    [Fact]
    public void ConfirmTokenUsesSevenDaysByDefault()
    {
        var tokens = Tokens();
        var token = tokens.Issue(Subscriber, TokenPurpose.Confirm);

        time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));
        tokens.Verify(token, TokenPurpose.Confirm);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(TokenProblem.Expired, Assert.Throws<InvalidTokenException>(() => tokens.Verify(token, TokenPurpose.Confirm)).Problem);
    }

    [Theory]
    [InlineData(TokenPurpose.Unsubscribe)]
    [InlineData(TokenPurpose.Preferences)]
    public void UnsubscribeAndPreferencesTokensStillWorkTenYearsLater(TokenPurpose purpose)
    {
        var tokens = Tokens();
        var token = tokens.Issue(Subscriber, purpose);

        time.Advance(TimeSpan.FromDays(3653));

        var verified = tokens.Verify(token, purpose);
        Assert.Equal(Subscriber, verified.SubscriberId);
        Assert.Null(verified.ExpiresAt);
    }

    [Theory]
    [InlineData("k1", TokenPurpose.Unsubscribe)]
    [InlineData("k1", TokenPurpose.Confirm)]
    [InlineData("a", TokenPurpose.Preferences)]
    [InlineData("2025-06_rotation", TokenPurpose.Unsubscribe)]
    public void TamperedTokenIsRejected(string keyId, TokenPurpose purpose)
    {
        var tokens = Tokens(keyId);
        var token = tokens.Issue(Subscriber, purpose);
        var accepted = new List<string>();

        for (var i = 0; i < token.Length; i++)
        {
            foreach (var c in Base64UrlAlphabet)
            {
                if (c == token[i])
                    continue;
                var tampered = string.Concat(token.AsSpan(0, i), c.ToString(), token.AsSpan(i + 1));
                try
                {
                    var verified = tokens.Verify(tampered, purpose);
                    accepted.Add($"position {i} -> '{c}' verified as subscriber {verified.SubscriberId}");
                }
                catch (InvalidTokenException)
                {
                }
            }
        }

        Assert.Empty(accepted);
    }

    [Theory]
    [InlineData(TokenPurpose.Confirm, TokenPurpose.Unsubscribe)]
    [InlineData(TokenPurpose.Unsubscribe, TokenPurpose.Preferences)]
    [InlineData(TokenPurpose.Preferences, TokenPurpose.Unsubscribe)]
    [InlineData(TokenPurpose.Unsubscribe, TokenPurpose.Confirm)]
    public void TokenForAnotherPurposeIsRejected(TokenPurpose issued, TokenPurpose expected)
    {
        var tokens = Tokens();
        var token = tokens.Issue(Subscriber, issued);

        var e = Assert.Throws<InvalidTokenException>(() => tokens.Verify(token, expected));

        Assert.Equal(TokenProblem.WrongPurpose, e.Problem);
    }

    [Fact]
    public void ExpiredTokenForAnotherPurposeIsReportedAsWrongPurpose()
    {
        var tokens = Tokens();
        var token = tokens.Issue(Subscriber, TokenPurpose.Confirm);
        time.Advance(TimeSpan.FromDays(30));

        Assert.Equal(TokenProblem.WrongPurpose, Assert.Throws<InvalidTokenException>(() => tokens.Verify(token, TokenPurpose.Unsubscribe)).Problem);
    }

    [Fact]
    public void TokensOfDifferentSubscribersDiffer()
    {
        var tokens = Tokens();

        var first = tokens.Issue(Subscriber, TokenPurpose.Unsubscribe);
        var second = tokens.Issue(OtherSubscriber, TokenPurpose.Unsubscribe);

        Assert.NotEqual(first, second);
        Assert.Equal(OtherSubscriber, tokens.Verify(second, TokenPurpose.Unsubscribe).SubscriberId);
    }

    [Fact]
    public void RotatedKeyKeepsOldLinksWorkingUntilItIsRemoved()
    {
        var old = Tokens(Settings("k1", ("k1", Secret("k1")))).Issue(Subscriber, TokenPurpose.Unsubscribe);

        var rotated = Tokens(Settings("k2", ("k1", Secret("k1")), ("k2", Secret("k2"))));
        var oldVerified = rotated.Verify(old, TokenPurpose.Unsubscribe);
        var fresh = rotated.Issue(Subscriber, TokenPurpose.Unsubscribe);

        Assert.Equal("k1", oldVerified.KeyId);
        Assert.Equal(Subscriber, oldVerified.SubscriberId);
        Assert.Equal("k2", rotated.Verify(fresh, TokenPurpose.Unsubscribe).KeyId);

        var retired = Tokens(Settings("k2", ("k2", Secret("k2"))));
        var e = Assert.Throws<InvalidTokenException>(() => retired.Verify(old, TokenPurpose.Unsubscribe));
        Assert.Equal(TokenProblem.UnknownKey, e.Problem);
        Assert.Equal("k2", retired.Verify(fresh, TokenPurpose.Unsubscribe).KeyId);
    }

    [Fact]
    public void TokenSignedWithAnotherSecretUnderTheSameKeyIdIsRejected()
    {
        var forged = Tokens(Settings("k1", ("k1", Secret("attacker")))).Issue(Subscriber, TokenPurpose.Unsubscribe);

        var e = Assert.Throws<InvalidTokenException>(() => Tokens().Verify(forged, TokenPurpose.Unsubscribe));

        Assert.Equal(TokenProblem.BadSignature, e.Problem);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("not a token")]
    [InlineData("%%%%")]
    [InlineData("AAAA")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo")]
    [InlineData("\0\0\0\0")]
    [InlineData("ÄÖÜäöü")]
    public void GarbageIsMalformed(string? input)
    {
        var e = Assert.Throws<InvalidTokenException>(() => Tokens().Verify(input, TokenPurpose.Unsubscribe));

        Assert.Equal(TokenProblem.Malformed, e.Problem);
    }

    [Theory]
    [InlineData(60)]
    [InlineData(600)]
    [InlineData(100_000)]
    public void LongRunsOfBase64AreMalformed(int length)
    {
        var e = Assert.Throws<InvalidTokenException>(() => Tokens().Verify(new string('A', length), TokenPurpose.Unsubscribe));

        Assert.Equal(TokenProblem.Malformed, e.Problem);
    }

    [Fact]
    public void RandomInputOnlyEverThrowsInvalidToken()
    {
        var tokens = Tokens();
        var valid = tokens.Issue(Subscriber, TokenPurpose.Unsubscribe);
        var random = new Random(20250301);
        const string alphabet = Base64UrlAlphabet + "+/= .%\0\n";

        for (var i = 0; i < 20_000; i++)
        {
            var length = i % 3 == 0 ? valid.Length : random.Next(0, 90);
            var input = string.Create(length, random, (span, r) =>
            {
                for (var j = 0; j < span.Length; j++)
                    span[j] = alphabet[r.Next(alphabet.Length)];
            });
            var e = Record.Exception(() => tokens.Verify(input, TokenPurpose.Unsubscribe));
            Assert.True(e is InvalidTokenException, $"'{input}' gave {e?.GetType().Name ?? "a verified token"}");
        }
    }

    [Fact]
    public void AlteredSpellingsOfAValidTokenAreMalformed()
    {
        var tokens = Tokens("a");
        var token = tokens.Issue(Subscriber, TokenPurpose.Unsubscribe);
        string[] variants =
        [
            token + "=",
            token + "A",
            token + "AA",
            token[..^1],
            token[..^4],
            " " + token,
            token[..10] + " " + token[10..],
            token[..10] + "\n" + token[10..],
            token.Replace('-', '+').Replace('_', '/') + "+",
            Convert.ToBase64String(Base64UrlDecode(token)),
        ];

        foreach (var variant in variants)
        {
            var e = Assert.Throws<InvalidTokenException>(() => tokens.Verify(variant, TokenPurpose.Unsubscribe));
            Assert.Equal(TokenProblem.Malformed, e.Problem);
        }
    }

    [Fact]
    public void ErrorMessagesNeverContainTheToken()
    {
        var tokens = Tokens();
        var token = tokens.Issue(Subscriber, TokenPurpose.Confirm);
        time.Advance(TimeSpan.FromDays(8));

        var expired = Assert.Throws<InvalidTokenException>(() => tokens.Verify(token, TokenPurpose.Confirm));
        var wrong = Assert.Throws<InvalidTokenException>(() => tokens.Verify(token, TokenPurpose.Unsubscribe));
        var malformed = Assert.Throws<InvalidTokenException>(() => tokens.Verify(token[..^2], TokenPurpose.Confirm));

        foreach (var e in new[] { expired, wrong, malformed })
        {
            Assert.DoesNotContain(token[..20], e.Message);
            Assert.DoesNotContain(Subscriber, e.Message);
            Assert.DoesNotContain("k1", e.Message);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("ABCDEF0123456789ABCDEF0123456789")]
    [InlineData("abcdef0123456789abcdef012345678")]
    [InlineData("d.karimova@customs.uz.example")]
    public void IssuingForSomethingOtherThanASubscriberIdIsAProgrammingError(string subscriberId)
    {
        Assert.Throws<ArgumentException>(() => Tokens().Issue(subscriberId, TokenPurpose.Confirm));
    }

    [Fact]
    public void InvalidSettingsFailWhenTheTokensAreCreated()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Tokens(Settings("k2", ("k1", Secret("k1")))));

        Assert.Contains("Tokens:CurrentKeyId", e.Message);
    }

    [Fact]
    public void ValidSettingsPassTheValidator()
    {
        var result = new TokenOptionsValidator().Validate(null, Settings("k2", ("k1", Secret("k1")), ("k2", Secret("k2"))));

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Fact]
    public void ValidatorNamesAMissingCurrentKey()
    {
        var result = new TokenOptionsValidator().Validate(null, Settings("k2", ("k1", Secret("k1"))));

        Assert.True(result.Failed);
        Assert.Equal("Tokens:CurrentKeyId 'k2' is not one of Tokens:Keys (k1): add the key or change the id.", Assert.Single(Failures(result)));
    }

    [Fact]
    public void ValidatorNamesAnEmptyCurrentKeyId()
    {
        var result = new TokenOptionsValidator().Validate(null, Settings("", ("k1", Secret("k1"))));

        Assert.Contains("Tokens:CurrentKeyId is empty", Assert.Single(Failures(result)));
    }

    [Fact]
    public void ValidatorNamesNoKeysAtAll()
    {
        var result = new TokenOptionsValidator().Validate(null, new TokenOptions());

        Assert.Contains(Failures(result), f => f.StartsWith("Tokens:Keys is empty", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all!")]
    [InlineData("")]
    public void ValidatorNamesAShortOrInvalidKeyWithoutShowingIt(string secret)
    {
        var result = new TokenOptionsValidator().Validate(null, Settings("k1", ("k1", secret)));

        var failure = Assert.Single(Failures(result));
        Assert.Equal("Tokens:Keys:k1 is not base64 of at least 32 bytes: generate one with `openssl rand -base64 32`.", failure);
    }

    [Fact]
    public void ValidatorRejectsThirtyOneBytesAndAcceptsThirtyTwo()
    {
        var validator = new TokenOptionsValidator();

        Assert.True(validator.Validate(null, Settings("k1", ("k1", Convert.ToBase64String(new byte[31])))).Failed);
        Assert.True(validator.Validate(null, Settings("k1", ("k1", Convert.ToBase64String(new byte[32])))).Succeeded);
    }

    [Theory]
    [InlineData("key.1")]
    [InlineData("k 1")]
    [InlineData("schlüssel")]
    [InlineData("k1234567890123456")]
    public void ValidatorNamesAnInvalidKeyId(string keyId)
    {
        var result = new TokenOptionsValidator().Validate(null, Settings(keyId, (keyId, Secret("k1"))));

        var failure = Assert.Single(Failures(result));
        Assert.StartsWith($"Tokens:Keys:{keyId} has an invalid key id", failure);
        Assert.Contains("1-16 characters", failure);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-1.00:00:00")]
    [InlineData("400.00:00:00")]
    public void ValidatorNamesAnUnusableConfirmationLifetime(string lifetime)
    {
        var settings = Settings("k1", ("k1", Secret("k1")));
        settings.ConfirmationLifetime = TimeSpan.Parse(lifetime, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Contains("Tokens:ConfirmationLifetime", Assert.Single(Failures(new TokenOptionsValidator().Validate(null, settings))));
    }

    private static IEnumerable<string> Failures(ValidateOptionsResult result) => result.Failures ?? [];

    private static byte[] Base64UrlDecode(string token) => System.Buffers.Text.Base64Url.DecodeFromChars(token);
    [Fact]
    public void AConfirmationTokenForARequestCarriesTheRequestIdUnderTheSignature()
    {
        var tokens = Tokens();
        var requestId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        var token = tokens.IssueConfirm(Subscriber, requestId);
        var verified = tokens.Verify(token, TokenPurpose.Confirm);

        Assert.Equal((Subscriber, requestId, TokenPurpose.Confirm), (verified.SubscriberId, verified.RequestId, verified.Purpose));
        Assert.Equal(82, token.Length);
        Assert.True(Notifications.Telemetry.LogScrubber.IsSubscriptionToken(token), "The log scrubber does not recognise a request confirmation token.");
        Assert.Null(tokens.Verify(tokens.Issue(Subscriber, TokenPurpose.Confirm), TokenPurpose.Confirm).RequestId);

        // Another request id under the same signature: refused.
        var bytes = Convert.FromBase64String(token.Replace('-', '+').Replace('_', '/') + "==");
        bytes[2 + 2 + 16] ^= 1;
        var swapped = Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(TokenProblem.BadSignature, Assert.Throws<InvalidTokenException>(() => tokens.Verify(swapped, TokenPurpose.Confirm)).Problem);
        Assert.Throws<ArgumentException>(() => tokens.IssueConfirm(Subscriber, "not-a-request-id"));
    }
}
