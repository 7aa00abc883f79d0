using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Mail;

namespace Notifications.Core.Tests.Delivery;

public sealed class OutboxTransportTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "outbox-tests", Guid.NewGuid().ToString("N"));

    private OutboxTransport Transport() => new(
        Options.Create(new DeliveryOptions { Mode = DeliveryMode.Outbox, OutboxPath = _folder, FromEmail = "digests@secretariat.example", FromName = "PTC Secretariat" }),
        new SendGridMessageBuilder(Options.Create(new DeliveryOptions { FromEmail = "digests@secretariat.example" })),
        new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero)),
        NullLogger<OutboxTransport>.Instance);

    private static MailBatch Batch(params Recipient[] recipients)
        => new("daily-2026-11-26", "b00000", "daily", new MailContent("2 новых отчёта: 26 ноября 2026", "<p>Привет &amp; hello</p>", "Привет & hello"), recipients);

    [Fact]
    public async Task WritesOneEmlAndOneHtmlPerRecipient()
    {
        await Transport().SendAsync(Batch(new("id1", "a@x.example", "Anne"), new("id2", "b@x.example", "Ben")), TestContext.Current.CancellationToken);

        var files = Directory.GetFiles(Path.Combine(_folder, "daily-2026-11-26")).Select(Path.GetFileName).Order();
        Assert.Equal(["id1.eml", "id1.html", "id2.eml", "id2.html"], files);
        Assert.Equal("<p>Привет &amp; hello</p>", File.ReadAllText(Path.Combine(_folder, "daily-2026-11-26", "id2.html")));
    }

    [Fact]
    public async Task EmlIsAMimeMessageWithTextBeforeHtmlAndEncodedHeaders()
    {
        await Transport().SendAsync(Batch(new Recipient("id1", "a@x.example", "Dupont, Anne")), TestContext.Current.CancellationToken);
        var eml = File.ReadAllText(Path.Combine(_folder, "daily-2026-11-26", "id1.eml"));

        Assert.Contains("From: \"PTC Secretariat\" <digests@secretariat.example>\r\n", eml.Replace("From: PTC Secretariat", "From: \"PTC Secretariat\""));
        Assert.Contains("To: \"Dupont, Anne\" <a@x.example>\r\n", eml);
        Assert.Contains("Subject: =?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes("2 новых отчёта: 26 ноября 2026")) + "?=\r\n", eml);
        Assert.Contains("Date: Thu, 26 Nov 2026 07:00:00 +0000\r\n", eml);
        Assert.True(eml.IndexOf("Content-Type: text/plain", StringComparison.Ordinal) < eml.IndexOf("Content-Type: text/html", StringComparison.Ordinal));
        var parts = eml.Split("\r\n\r\n");
        var textPart = parts.Skip(1).First(p => p.Contains("text/plain"));
        var textBody = parts[Array.IndexOf(parts, textPart) + 1].Split("\r\n--")[0];
        Assert.Equal("Привет & hello", Encoding.UTF8.GetString(Convert.FromBase64String(textBody.Replace("\r\n", ""))));
        Assert.DoesNotContain(eml.Split("\r\n"), line => line.Length > 998);
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
