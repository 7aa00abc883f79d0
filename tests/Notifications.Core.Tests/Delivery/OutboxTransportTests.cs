using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Notifications.Delivery;
using Notifications.Digests;
using Notifications.Mail;
using Notifications.Testing;

namespace Notifications.Core.Tests.Delivery;

public sealed partial class OutboxTransportTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "outbox-tests", Guid.NewGuid().ToString("N"));

    private OutboxTransport Transport() => new(
        Options.Create(new DeliveryOptions
        {
            Mode = DeliveryMode.Outbox, OutboxPath = _folder, FromEmail = "digests@secretariat.example", FromName = "PTC Secretariat"
        }),
        new SendGridMessageBuilder(Options.Create(new DeliveryOptions { FromEmail = "digests@secretariat.example" })),
        new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero)),
        NullLogger<OutboxTransport>.Instance);

    private static MailBatch Batch(params Recipient[] recipients) => BatchAbout("2 новых отчёта: 26 ноября 2026", recipients);

    private static MailBatch BatchAbout(string subject, params Recipient[] recipients)
        => new("daily-2026-11-26", "b00000", "daily", new MailContent(subject, "<p>Привет &amp; hello</p>", "Привет & hello"), recipients);

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
        var path = Path.Combine(_folder, "daily-2026-11-26", "id1.eml");
        var message = OutboxMail.Read(path);

        var from = Assert.Single(message.From.Mailboxes);
        Assert.Equal(("PTC Secretariat", "digests@secretariat.example"), (from.Name, from.Address));
        Assert.Equal(("Dupont, Anne", "a@x.example"), message.Recipient());
        Assert.Equal("2 новых отчёта: 26 ноября 2026", message.Subject);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero), message.Date);
        Assert.Equal("daily-2026-11-26.id1@outbox.local", message.MessageId);
        Assert.Equal("daily-2026-11-26", message.Headers["X-Digest-Run"]);
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(p => p.ContentType.MimeType));
        Assert.All(alternative.Cast<TextPart>(), p => Assert.Equal(("utf-8", ContentEncoding.Base64), (p.ContentType.Charset, p.ContentTransferEncoding)));
        Assert.Equal("Привет & hello", message.TextBody);
        Assert.Equal("<p>Привет &amp; hello</p>", message.HtmlBody);
        var raw = File.ReadAllText(path);
        Assert.DoesNotContain(raw.Split("\r\n"), line => line.Length > 998);
        Assert.DoesNotMatch("[^\r]\n", raw); // CRLF line ends, as on the wire
    }

    /// <summary>
    /// RFC 5322 and 2047: header lines fold at 78 characters, an encoded word is at most 75 and holds whole characters; a mail client
    /// (MimeKit here) reads the subject and the names back exactly.
    /// </summary>
    [Theory]
    [InlineData("Еженедельный обзор: 3 новых отчёта Секретариата Комитета по торговой политике за 23–29 ноября 2026 года", "Иван Петров-Водкин")]
    [InlineData(
        "Compte rendu de la 241e réunion du Comité de politique commerciale : décisions adoptées, calendrier des prochaines étapes et documents à consulter",
        "Lefèvre, Élodie (Direction générale des douanes)")]
    public async Task LongNonAsciiSubjectsAndNamesAreFoldedInEncodedWordsAndReadBackIdentical(string subject, string name)
    {
        await Transport().SendAsync(BatchAbout(subject, new Recipient("id1", "a@x.example", name)), TestContext.Current.CancellationToken);
        var path = Path.Combine(_folder, "daily-2026-11-26", "id1.eml");

        var message = OutboxMail.Read(path);
        Assert.Equal(subject, message.Subject);
        Assert.Equal((name, "a@x.example"), message.Recipient());

        var headers = File.ReadAllText(path).Split("\r\n\r\n")[0];
        Assert.All(headers.Split("\r\n"), line => Assert.True(line.Length <= 78, $"A header line of {line.Length} characters: {line}"));
        var words = EncodedWord().Matches(headers);
        Assert.NotEmpty(words);
        Assert.All(words, word =>
        {
            Assert.True(word.Length <= 75, $"An encoded word of {word.Length} characters: {word.Value}");
            var bytes = word.Groups["enc"].Value is "b" or "B"
                ? Convert.FromBase64String(word.Groups["text"].Value)
                : QDecode(word.Groups["text"].Value);
            Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(bytes)); // whole characters in each word
        });
    }

    [GeneratedRegex(@"=\?(?<charset>[^?]+)\?(?<enc>[bBqQ])\?(?<text>[^?]*)\?=")]
    private static partial Regex EncodedWord();

    private static byte[] QDecode(string text)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '=') { bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16)); i += 2; }
            else bytes.Add(text[i] == '_' ? (byte)' ' : (byte)text[i]);
        return [.. bytes];
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }
}
