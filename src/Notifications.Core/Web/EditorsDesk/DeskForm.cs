using System.Globalization;
using Microsoft.AspNetCore.Http;
using Notifications.Articles;
using Notifications.Topics;
using Scriban.Runtime;

namespace Notifications.Web;

/// <summary>
/// The write form of the desk, both ways: the fields a POST carries (typed, pasted or uploaded) into an <see cref="ArticleForm"/>
/// and the blob name being edited, and an <see cref="ArticleForm"/> back into the template's fields, so every round trip shows
/// exactly what the editor typed. Published dates are stated and typed in UTC (<c>datetime-local</c>, no zone of its own).
/// </summary>
public static class DeskForm
{
    /// <summary>The extensions an upload may have.</summary>
    public static readonly IReadOnlyList<string> UploadExtensions = [".md", ".markdown", ".html", ".htm", ".txt"];

    /// <summary>The form of a POST; <paramref name="error"/> says in a text key what was wrong with an upload or a date (null: nothing).</summary>
    public static ArticleForm Read(ConsoleRequest request, int maxBytes, out string? error)
    {
        error = null;
        var form = new ArticleForm(
            Title: request.Field("title"),
            Summary: request.Field("summary"),
            Url: request.Field("url"),
            Topics: string.Join(", ", (request.Form?["topics"] ?? default).Select(t => t?.Trim()).Where(t => !string.IsNullOrEmpty(t))),
            Language: request.Field("language"),
            Session: (request.Form?["session"].ToString() ?? "").Trim(),
            Published: "",
            Alert: IsOn(request.Field("alert")),
            Draft: IsOn(request.Field("draft")),
            Resend: IsOn(request.Field("resend")),
            Editor: request.Field("editor"),
            Slug: request.Field("slug"),
            Body: request.Form?["body"].ToString() ?? "",
            Format: Enum.TryParse<ArticleFormat>(request.Field("format"), ignoreCase: true, out var format) ? format : ArticleFormat.Markdown,
            TranslationOf: request.Field("translation_of"));

        var published = request.Field("published");
        if (published.Length > 0)
        {
            if (TryReadLocal(published, out var at)) form = form with { Published = at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) };
            else
            {
                form = form with { Published = published };
                error = "desk.errors.published";
            }
        }
        if (form.Body.Length > maxBytes) error = "desk.errors.too_large";

        if (request.Form?.Files.GetFile("file") is { Length: > 0 } file)
        {
            var extension = Path.GetExtension(file.FileName).ToLowerInvariant();
            if (!UploadExtensions.Contains(extension)) error = "desk.errors.upload_type";
            else if (file.Length > maxBytes) error = "desk.errors.too_large";
            else form = Upload(form, file, extension);
        }
        return form;
    }

    /// <summary>
    /// An uploaded file into the form: its front matter fills the fields the editor left empty, its body replaces the body, and
    /// its format is the file's. From then on the file lives in the form (no need to upload it again on the next round trip).
    /// </summary>
    private static ArticleForm Upload(ArticleForm typed, IFormFile file, string extension)
    {
        using var stream = new MemoryStream();
        file.CopyTo(stream);
        var name = "upload" + (extension is ".markdown" ? ".md" : extension is ".htm" ? ".html" : extension);
        var read = ArticleFile.Read(name, stream.ToArray());
        static string Either(string typed, string file) => typed.Length > 0 ? typed : file;
        return typed with
        {
            Title = Either(typed.Title, read.Title),
            Summary = Either(typed.Summary, read.Summary),
            Url = Either(typed.Url, read.Url),
            Topics = Either(typed.Topics, read.Topics),
            Language = Either(typed.Language, read.Language),
            Session = Either(typed.Session, read.Session),
            Published = Either(typed.Published, read.Published),
            Alert = typed.Alert || read.Alert,
            Draft = typed.Draft || read.Draft,
            Editor = Either(typed.Editor, read.Editor),
            Slug = Either(typed.Slug, read.Slug),
            TranslationOf = Either(typed.TranslationOf, read.TranslationOf),
            Body = read.Body,
            Format = read.Format,
        };
    }

    /// <summary>The fields of the write template for <paramref name="form"/>: its values, the topic checkboxes, the choices.</summary>
    public static ScriptObject Model(ArticleForm form, string? blobName, TopicCatalog catalog, string lang)
    {
        var chosen = form.Topics.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => catalog.Resolve(t) ?? t.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        return new ScriptObject
        {
            ["name"] = blobName ?? "",
            ["title_value"] = form.Title,
            ["summary"] = form.Summary,
            ["url"] = form.Url,
            ["topics"] = catalog.Keys.Select((k, i) => new ScriptObject
            {
                ["key"] = k,
                ["label"] = TopicCatalog.Label(k, lang),
                ["id"] = "topic-" + i.ToString(CultureInfo.InvariantCulture),
                ["checked"] = chosen.Contains(k),
            }).ToList(),
            ["other_topics"] = string.Join(", ", chosen.Where(t => !catalog.Keys.Contains(t))),
            ["language"] = form.Language,
            ["languages"] = Localization.Translations.Languages.ToList(),
            ["session"] = form.Session,
            ["published"] = LocalValue(form.Published),
            ["alert"] = form.Alert,
            ["draft"] = form.Draft,
            ["resend"] = form.Resend,
            ["editor"] = form.Editor,
            ["slug"] = form.Slug,
            ["translation_of"] = form.TranslationOf,
            ["body"] = form.Body,
            ["format"] = form.Format.ToString().ToLowerInvariant(),
        };
    }

    /// <summary>A stored or typed date as a <c>datetime-local</c> value in UTC; as it was when it is no date (the editor sees it).</summary>
    public static string LocalValue(string published)
    {
        if (published.Length == 0) return "";
        if (DateTimeOffset.TryParse(published, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);
        return published;
    }

    private static bool TryReadLocal(string value, out DateTimeOffset at)
    {
        string[] formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd"];
        if (DateTime.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out var utc))
        {
            at = new DateTimeOffset(utc, TimeSpan.Zero);
            return true;
        }
        at = default;
        return false;
    }

    private static bool IsOn(string value) => value is "on" or "true" or "1";
}
