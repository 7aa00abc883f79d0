namespace Notifications.Articles;

public enum Participation { Unknown, InPerson, Online, Hybrid }

/// <summary>
/// What an article says about the committee session it reports on: "the 239th/240th sessions of the Permanent Technical
/// Committee (PTC) of the World Customs Organization (WCO) were held from 25 to 27 April 2023 in Brussels with online participation".
/// Every part is optional: a field the text does not state stays null (or empty, or Unknown).
/// </summary>
public sealed record SessionInfo(
    string? Organization,
    string? OrganizationAbbreviation,
    string? Committee,
    string? CommitteeAbbreviation,
    IReadOnlyList<int> Sessions,
    DateOnly? StartDate,
    DateOnly? EndDate,
    string? Place,
    Participation Participation)
{
    public static SessionInfo None { get; } = new(null, null, null, null, [], null, null, null, Participation.Unknown);

    public bool IsEmpty => this == None || (Organization is null && OrganizationAbbreviation is null && Committee is null && CommitteeAbbreviation is null
        && Sessions.Count == 0 && StartDate is null && EndDate is null && Place is null && Participation == Participation.Unknown);
}

/// <summary>What a format reader (HTML, pasted text) takes out of a file: the title, if it found one, and the body.</summary>
/// <param name="BodyHtml">Safe HTML: sanitised, no scripts, handlers, javascript: URLs or remote resources.</param>
/// <param name="BodyText">The body as plain text, paragraphs separated by blank lines (for summaries and extraction).</param>
public sealed record ExtractedContent(string? Title, string BodyHtml, string BodyText);
