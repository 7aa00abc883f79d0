using System.Text.RegularExpressions;

namespace Notifications.Articles;

/// <summary>
/// Makes what an article says inert for mail merge. SendGrid (and the outbox) replace a recipient's keys anywhere in a digest; the keys
/// carry a random nonce per rendering (<see cref="Delivery.MailPlaceholders"/>), so no article can name them, and as a second line
/// text shaped like a key, <c>%word%</c>, never reaches a digest from an article: in a URL its percent signs become <c>%25</c> (what a
/// literal percent sign is in a URL), in text the full-width <c>％</c> (the same to a reader). Applied when a digest is rendered, so it
/// holds for every article in the index, whenever it was ingested. (SendGrid's legacy substitutions have no delimiters of their own:
/// only the keys a request names are replaced, so <c>-word-</c> or <c>{{word}}</c>, which are not keys here, stay as they are.)
/// </summary>
public static partial class MergeFieldText
{
    /// <summary>The article with every field a digest shows made inert.</summary>
    public static IndexedArticle Inert(IndexedArticle a) => a with
    {
        Title = Text(a.Title),
        Summary = Text(a.Summary),
        Url = a.Url is null ? null : Url(a.Url),
        Topics = a.Topics.Select(Text).ToList(),
        Session = a.Session is not { } s ? null : s with
        {
            Organization = TextOrNull(s.Organization),
            OrganizationAbbreviation = TextOrNull(s.OrganizationAbbreviation),
            Committee = TextOrNull(s.Committee),
            CommitteeAbbreviation = TextOrNull(s.CommitteeAbbreviation),
            Place = TextOrNull(s.Place),
        },
    };

    /// <summary>True when <paramref name="value"/> has text shaped like a mail-merge key (<c>%unsubscribe_url%</c>).</summary>
    public static bool HasKeyShape(string? value) => value is not null && value.Contains('%') && KeyShape().IsMatch(value);

    /// <summary>Text for a reader: the percent signs around a key-shaped word become <c>％</c>.</summary>
    public static string Text(string value) => Neutralise(value, "\uFF05");

    /// <summary>A URL: the percent signs around a key-shaped word become <c>%25</c>.</summary>
    public static string Url(string value) => Neutralise(value, "%25");

    private static string? TextOrNull(string? value) => value is null ? null : Text(value);

    private static string Neutralise(string value, string percent)
    {
        // Until none is left: "%a%b%" has two overlapping shapes. Each pass removes at least two percent signs.
        while (HasKeyShape(value))
            value = KeyShape().Replace(value, m => percent + m.Groups["word"].Value + percent);
        return value;
    }

    [GeneratedRegex(@"%(?<word>[\p{L}_][\p{L}\p{N}_-]*)%", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();
}
