using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notifications.Telemetry;
using Notifications.Mail;

namespace Notifications.Core.Tests.Telemetry;

/// <summary>
/// A property of the log pipeline: whatever address the validator accepts (and the forms raw input may bring: quoted local parts, IP
/// literals), logged in any of the ways an address reaches a log, never reaches a provider whole.
/// </summary>
public sealed class AddressScrubbingPropertyTests
{
    private const string Atext = "!#$%&'*+/=?^_`{|}~-";

    /// <summary>Addresses as people type them: ASCII local parts with every special character the validator allows, ASCII and international domains.</summary>
    private static string RandomAddress(Random random)
    {
        string Pick(string pool, int min, int max) => new(Enumerable.Range(0, random.Next(min, max + 1)).Select(_ => pool[random.Next(pool.Length)]).ToArray());
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        var segments = Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(3) == 0
            ? Pick(letters + Atext, 1, 8)
            : Pick(letters, 1, 8) + Pick(Atext, 0, 1) + Pick(letters, 0, 5));
        var local = string.Join('.', segments);
        string Label() => random.Next(5) switch
        {
            0 => Pick("abcdefghijklmnopqrstuvwxyz", 1, 3) + Pick("äöüéèçñß", 1, 2) + Pick("abcdefghijklmnopqrstuvwxyz", 1, 4),
            1 => Pick("бгджзийклмнптфцчшщыэюя", 2, 8),
            _ => Pick("abcdefghijklmnopqrstuvwxyz", 1, 6) + Pick("-0123456789", 0, 1) + Pick("abcdefghijklmnopqrstuvwxyz", 1, 6),
        };
        var labels = Enumerable.Range(0, random.Next(1, 3)).Select(_ => Label())
            .Append(random.Next(4) == 0 ? "рф" : Pick("abcdefghijklmnopqrstuvwxyz", 2, 6));
        return local + "@" + string.Join('.', labels);
    }

    /// <summary>Forms raw input may have that the validator refuses, but a log may still see (a rejected request's body).</summary>
    private static readonly string[] RawForms =
    [
        "\"john doe\"@customs.example", "\"a@b\"@customs.example", "\"o\\\"neil\"@customs.example",
        "john@[192.0.2.1]", "john.smith@[IPv6:2001:db8::1]", "jane@192.0.2.17",
        "a&b=c@customs.example", "first+tag@customs.example", "o'brien@customs.example", "x=y@hmrc.example",
        "ivan@почта.рф", "Лена@почта.рф", "k.müller@münchen.example",
    ];

    private static IEnumerable<string> FormsOf(string address)
    {
        yield return address;
        yield return address.ToUpperInvariant();
        yield return Uri.EscapeDataString(address);
        yield return address.Replace("@", "%40", StringComparison.Ordinal);
    }

    /// <summary>Every way the pipeline's code puts an address into a log entry.</summary>
    private static void Log(ILogger logger, string address)
    {
        logger.LogInformation("Subscriber {Email} added", address);
        logger.LogWarning($"Interpolated: {address} refused");
        logger.LogDebug("Form body {Body}", "name=Aziz&email=" + Uri.EscapeDataString(address) + "&x=1");
        logger.LogDebug("Query {Url}", "https://notify.example/api/manage/subscribers/" + address + "?email=" + address);
        logger.LogInformation("Json {Json}", "{\"email\":\"" + address.Replace("\"", "\\\"") + "\",\"name\":\"A\"}");
        logger.LogInformation("To {To}", $"\"Jane Smith\" <{address}>");
        logger.LogInformation("Recipients {Recipients}", (object)new[] { address, address.ToUpperInvariant() });
        using (logger.BeginScope("for {Email}", address))
            logger.LogError(new InvalidOperationException($"SendGrid refused {address}: Does not contain a valid address."), "Sending failed");
    }

    [Fact]
    public void NoAcceptedOrRawAddressReachesALogWhole()
    {
        var random = new Random(20261126);
        var accepted = new List<string>();
        while (accepted.Count < 400)
        {
            var raw = RandomAddress(random);
            try
            {
                var normalized = EmailAddress.Normalize(raw);
                accepted.Add(normalized);
                // The form it came in as (international domain, mixed case) is what a log of the request sees.
                if (raw != normalized) accepted.Add(raw);
            }
            catch (InvalidEmailAddressException)
            {
            }
        }
        Assert.Contains(accepted, a => a.Contains("xn--", StringComparison.Ordinal));
        Assert.Contains(accepted, a => a.IndexOfAny(['&', '=', '+', '\'']) >= 0);

        var capture = new LogCapture();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(capture));
        services.AddPipelineTelemetry();
        using (var provider = services.BuildServiceProvider())
        {
            var logger = provider.GetRequiredService<ILogger<AddressScrubbingPropertyTests>>();
            foreach (var address in accepted.Concat(RawForms))
                Log(logger, address);
        }

        var text = capture.Text;
        var leaks = accepted.Concat(RawForms).SelectMany(FormsOf)
            .Where(form => text.Contains(form, StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.True(leaks.Count == 0, $"{leaks.Count} addresses reached the log whole, e.g. {string.Join(", ", leaks.Take(5))}");
        // Masked, not dropped.
        Assert.Contains("Subscriber ", text);
        Assert.Contains("***@", text);
    }

    [Theory]
    [InlineData("\"john doe\"@customs.example", "\"***@customs.example")]
    [InlineData("john@[192.0.2.1] x", "j***@[192.0.2.1] x")]
    [InlineData("a&b=c@customs.example", "a***@customs.example")]
    [InlineData("email=a&b=c@customs.example&n=1", "email=a***@customs.example&n=1")]
    [InlineData("ivan%40%D0%BF%D0%BE%D1%87%D1%82%D0%B0.%D1%80%D1%84", "i***%40%D0%BF%D0%BE%D1%87%D1%82%D0%B0.%D1%80%D1%84")]
    [InlineData("a/b?c@customs.example", "a***@customs.example")]
    [InlineData("DELETE https://notify.example/api/manage/subscribers/jo/hn@customs.example",
        "DELETE https://notify.example/api/manage/subscribers/jo/h***@customs.example")]
    [InlineData("https://notify.example/api/x?email=j?ohn@customs.example&y=1", "https://notify.example/api/x?email=j***@customs.example&y=1")]
    [InlineData("npm i azurite@3.30.0", "npm i azurite@3.30.0")]
    public void EachFormIsMaskedWhole(string text, string expected)
        => Assert.Equal(expected, LogScrubber.Scrub(text));
}
