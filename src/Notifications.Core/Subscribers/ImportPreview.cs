namespace Notifications.Subscribers;

/// <summary>What an import does (or, for a dry run, would do) with one row.</summary>
public enum ImportRowOutcome
{
    /// <summary>A new address: a subscriber is created.</summary>
    New,
    /// <summary>A known address whose record the row changes (<see cref="ImportPreviewRow.Changes"/>).</summary>
    Changed,
    /// <summary>A known address the row leaves as it is.</summary>
    Unchanged,
    /// <summary>Not imported: <see cref="ImportPreviewRow.Errors"/> say why.</summary>
    Refused,
}

/// <summary>One field of one row: what it is and what the import makes (or, for <see cref="ImportPreviewRow.KeptSelfChosen"/>, would have made) it.</summary>
/// <param name="Old">The stored value; empty for a new subscriber.</param>
/// <param name="New">The file's value.</param>
public sealed record ImportFieldChange(string Field, string Old, string New);

/// <summary>
/// One data row of an import, as the admin sees it before anything is written (and after, in the downloadable result). The address is
/// given in full: this goes to the admin's own tools (console, CLI, API), never to a log.
/// </summary>
/// <param name="Row">The line of the file where the row starts (the header is row 1).</param>
/// <param name="Email">The row's address (normalised when valid, as typed otherwise; empty when the cell is).</param>
/// <param name="Changes">New: each value given. Changed: each field that changes, old → new. Unchanged and refused: none.</param>
/// <param name="KeptSelfChosen">
/// Fields the subscriber chose themselves (<see cref="Subscriber.ChosenBySubscriber"/>) where the file has another value: the
/// subscriber's value is kept, because the import was not told to overwrite self-chosen preferences.
/// </param>
/// <param name="Errors">Why the row is refused.</param>
public sealed record ImportPreviewRow(
    int Row,
    string Email,
    ImportRowOutcome Outcome,
    IReadOnlyList<ImportFieldChange> Changes,
    IReadOnlyList<ImportFieldChange> KeptSelfChosen,
    IReadOnlyList<ImportError> Errors);
