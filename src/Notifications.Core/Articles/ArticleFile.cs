namespace Notifications.Articles;

/// <summary>
/// An article as the editors' desk edits it: the front matter fields as form fields, and the body.
/// <see cref="Body"/> is Markdown, or text pasted from a web page, or the HTML of an uploaded file (<see cref="Format"/>).
/// </summary>
public sealed record ArticleForm(
    string Title = "",
    string Summary = "",
    string Url = "",
    string Topics = "",
    string Language = "",
    string Session = "",
    string Published = "",
    bool Alert = false,
    bool Draft = false,
    bool Resend = false,
    string Editor = "",
    string Slug = "",
    string Body = "",
    ArticleFormat Format = ArticleFormat.Markdown);

/// <summary>
/// Between the desk's form and the file the pipeline reads: <see cref="Compose"/> writes the file (Markdown with front matter;
/// pasted text or uploaded HTML as is, with the fields the editor filled in front of it), <see cref="Read"/> reads a stored file
/// back into fields, and <see cref="NameFor"/> proposes the blob name (<c>2026/ptc-243.en.md</c>).
/// [GROUNDWORK: helper "deskcore" implements this; the signatures are the contract.]
/// </summary>
public static class ArticleFile
{
    /// <summary>The file's bytes (UTF-8) and its extension (<c>.md</c>, <c>.html</c>, <c>.txt</c>) for the form.</summary>
    public static (byte[] Content, string Extension) Compose(ArticleForm form) => throw new NotImplementedException($"helper deskcore: {form}");

    /// <summary>The form fields of a stored file (front matter into fields, the rest into the body).</summary>
    public static ArticleForm Read(string blobName, ReadOnlySpan<byte> content)
        => throw new NotImplementedException($"helper deskcore: {blobName}{content.Length}");

    /// <summary>A blob name for a new article: year folder, a slug of the title (or <see cref="ArticleForm.Slug"/>), language, extension.</summary>
    public static string NameFor(ArticleForm form, DateTimeOffset now) => throw new NotImplementedException($"helper deskcore: {form}{now}");
}
