using Notifications.Subscribers;

namespace Notifications.Web;

/// <summary>GET <c>/api/manage/subscribers</c>: one page of subscribers, and the token for the next page (null on the last).</summary>
public sealed record SubscriberListPage(IReadOnlyList<SubscriberJson> Items, string? Continuation);

/// <summary>
/// POST <c>/api/manage/subscribers/import</c>: what the import did (or, on a dry run, would do), every row's error, and the per-row
/// preview (<see cref="ImportRowJson"/>: new, changed with each field old → new, unchanged, refused with the reason).
/// </summary>
public sealed record ImportResponse(bool DryRun, int Rows, int Created, int Updated, int Unchanged, IReadOnlyList<ImportRowError> Errors,
    bool OverwriteSelfChosen, IReadOnlyList<ImportRowJson> Preview)
{
    public static ImportResponse From(ImportReport report) => new(
        report.DryRun, report.Rows, report.Created, report.Updated, report.Unchanged,
        report.Errors.Select(e => new ImportRowError(e.Row, e.Email, e.Field, e.Message)).ToList(),
        report.OverwriteSelfChosen, report.PreviewRows.Select(ImportRowJson.From).ToList());
}

/// <summary>One row of an import: <c>outcome</c> new, changed, unchanged or refused; the full address (this is the admin's tool).</summary>
public sealed record ImportRowJson(int Row, string Email, string Outcome, IReadOnlyList<ImportFieldChange> Changes,
    IReadOnlyList<ImportFieldChange> KeptSelfChosen, IReadOnlyList<ImportRowError> Errors)
{
    public static ImportRowJson From(ImportPreviewRow row) => new(row.Row, row.Email, row.Outcome.ToString().ToLowerInvariant(), row.Changes,
        row.KeptSelfChosen, row.Errors.Select(e => new ImportRowError(e.Row, row.Email, e.Field, e.Message)).ToList());
}

/// <summary>A row the import refused (row 1 is the header), its address when it had one, the field and why.</summary>
public sealed record ImportRowError(int Row, string? Email, string Field, string Message);

/// <summary>
/// GET <c>/api/manage/coverage</c>: one member administration's subscriber counts; <c>configured</c> when it is in Members:Administrations;
/// <c>bounced</c> counts bounced and complained, <c>other</c> unsubscribed and suspended.
/// </summary>
public sealed record CoverageJson(string Organization, string Country, int Active, int Pending, int Other, bool Configured, string Key, int Bounced,
    bool NoActiveContact, bool OnlyBouncedContacts)
{
    public static CoverageJson From(CoverageRow row) => new(row.Organization, row.Country, row.Active, row.Pending, row.Other, row.Configured, row.Key,
        row.Bounced, row.NoActiveContact, row.OnlyBouncedContacts);
}
