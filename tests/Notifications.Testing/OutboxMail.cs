using MimeKit;
using Xunit;

namespace Notifications.Testing;

/// <summary>The outbox's <c>.eml</c> files read with MimeKit (headers decoded, parts by type), as a mail client would read them.</summary>
public static class OutboxMail
{
    public static MimeMessage Read(string path) => MimeMessage.Load(path);

    /// <summary>Every <c>.eml</c> under the folder (its run folders too), in path order; none when it does not exist.</summary>
    public static IReadOnlyList<MimeMessage> ReadAll(string folder)
        => Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.eml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(Read).ToList()
            : [];

    /// <summary>The one address the message is to.</summary>
    public static string To(this MimeMessage message) => Assert.Single(message.To.Mailboxes).Address;

    /// <summary>The name and address of the one mailbox the message is to (the name decoded; empty when there is none).</summary>
    public static (string Name, string Address) Recipient(this MimeMessage message)
    {
        var to = Assert.Single(message.To.Mailboxes);
        return (to.Name ?? "", to.Address);
    }
}
